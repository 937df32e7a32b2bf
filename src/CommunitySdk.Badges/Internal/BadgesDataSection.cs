using System.Text.Json;

namespace CommunitySdk.Badges.Internal;

/// <summary>The <c>badges</c> section of a member export: badges held (with grants and dates) and progress toward the others.</summary>
internal sealed class BadgesDataSection(IBadgeService badges) : IMemberDataSection
{
    public string Name => "badges";

    public async ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var held = await badges.GetBadgesAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        var progress = await badges.GetProgressAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteStartArray("held");
        foreach (var badge in held)
        {
            writer.WriteStartObject();
            writer.WriteString("id", badge.Badge.Id);
            writer.WriteString("name", badge.Badge.Name);
            writer.WriteString("grade", badge.Badge.Grade.ToString());
            writer.WriteNumber("grants", badge.Grants);
            writer.WriteString("firstEarnedAt", badge.FirstEarnedAt);
            writer.WriteString("lastEarnedAt", badge.LastEarnedAt);
            writer.WriteBoolean("revoked", badge.Revoked);
            writer.WriteBoolean("displayed", badge.Displayed);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("progress");
        foreach (var item in progress)
        {
            writer.WriteStartObject();
            writer.WriteString("id", item.Badge.Id);
            writer.WriteNumber("current", item.Current);
            writer.WriteNumber("target", item.Target);
            writer.WriteString("unit", item.Unit);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
