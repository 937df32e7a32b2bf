using System.Text.Json;

namespace CommunitySdk.Referrals.Internal;

/// <summary>
/// The <c>referrals</c> section of a member export: the member's code, how they joined (their inviter by display name
/// and the referral's status) and whom they invited, by display name.
/// </summary>
internal sealed class ReferralsDataSection(IReferralService referrals, IInviteGraph graph) : IMemberDataSection
{
    public string Name => "referrals";

    public async ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var code = await referrals.GetCodeAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        var referral = await referrals.GetReferralAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        writer.WriteStartObject();
        if (code is null)
        {
            writer.WriteNull("code");
        }
        else
        {
            writer.WriteStartObject("code");
            writer.WriteString("code", code.Code);
            writer.WriteNumber("uses", code.Uses);
            writer.WriteBoolean("enabled", code.Enabled);
            if (code.MaxUses is { } max)
            {
                writer.WriteNumber("maxUses", max);
            }

            if (code.ExpiresAt is { } expires)
            {
                writer.WriteString("expiresAt", expires);
            }

            writer.WriteEndObject();
        }

        if (referral is null)
        {
            writer.WriteNull("invitedBy");
        }
        else
        {
            writer.WriteStartObject("invitedBy");
            writer.WriteString("name", await context.NameOfAsync(referral.Inviter, cancellationToken).ConfigureAwait(false));
            writer.WriteString("code", referral.Code);
            writer.WriteString("joinedAt", referral.JoinedAt);
            writer.WriteString("status", referral.Status.ToString());
            writer.WriteEndObject();
        }

        writer.WriteStartArray("invitees");
        for (var skip = 0; ; skip += 100)
        {
            var invitees = await graph.GetInviteesAsync(context.Community, context.Member, skip, 100, cancellationToken).ConfigureAwait(false);
            foreach (var invitee in invitees)
            {
                writer.WriteStringValue(await context.NameOfAsync(invitee, cancellationToken).ConfigureAwait(false));
            }

            if (invitees.Count < 100)
            {
                break;
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
