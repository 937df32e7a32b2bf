using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Referrals.Internal;

internal sealed class ReferralService(
    ICommunity community,
    ReferralProjection projection,
    IOptions<ReferralOptions> options) : IReferralService, IInviteGraph
{
    private const int MaxAttempts = 8;

    public async ValueTask<ReferralCodeInfo> GetOrCreateCodeAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await GetCodeAsync(communityId, member, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing;
            }

            var code = CodeRules.Generate(options.Value.CodeLength);
            try
            {
                await CreateCodeAsync(communityId, member, $"{ReferralActivityTypes.CreateCode}:default:{member}", code, isDefault: true, vanity: false, null, cancellationToken).ConfigureAwait(false);
                return await InfoAsync(communityId, code, cancellationToken).ConfigureAwait(false);
            }
            catch (CommunityValidationException ex) when (ex.Field == "code" && ex.Reason == ReferralReactor.CodeTaken && attempt < MaxAttempts)
            {
                // A generated code collided with an existing one: draw another.
            }
            catch (IdempotencyConflictException)
            {
                // A concurrent call created the default code first; the next round reads it.
            }
        }
    }

    public async ValueTask<ReferralCodeInfo?> GetCodeAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        return await projection.ReadAsync(communityId, (s, _) => s.DefaultCodes.TryGetValue(member, out var code) ? s.Codes[CodeRules.Skeleton(code)].ToInfo() : null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ReferralCodeInfo?> FindCodeAsync(CommunityId communityId, string code, CancellationToken cancellationToken = default)
    {
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (string.IsNullOrWhiteSpace(code) || code.Length > CodeRules.MaxLength)
        {
            return null;
        }

        var skeleton = CodeRules.Skeleton(code);
        return await projection.ReadAsync(communityId, (s, _) => s.Codes.TryGetValue(skeleton, out var found) ? found.ToInfo() : null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ReferralCodeInfo> CreateInviteAsync(CommunityId communityId, MemberId member, InviteRequest request, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        ArgumentNullException.ThrowIfNull(request);
        var key = request.IdempotencyKey ?? $"referral.invite:{member}:{Guid.NewGuid():N}";
        for (var attempt = 0; ; attempt++)
        {
            var code = request.VanityCode is { } vanity ? CodeRules.Normalize(vanity) : CodeRules.Generate(options.Value.CodeLength);
            try
            {
                var outcome = await CreateCodeAsync(communityId, member, key, code, isDefault: false, vanity: request.VanityCode is not null, request, cancellationToken).ConfigureAwait(false);
                return await InfoAsync(communityId, outcome.EffectsOf<ReferralCodeCreated>().Single().Code, cancellationToken).ConfigureAwait(false);
            }
            catch (CommunityValidationException ex) when (ex.Field == "code" && ex.Reason == ReferralReactor.CodeTaken && request.VanityCode is null && attempt < MaxAttempts)
            {
            }
        }
    }

    public async ValueTask<ActivityOutcome> SetCodeEnabledAsync(CommunityId communityId, string code, bool enabled, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var owner = await OwnerOfAsync(communityId, code, cancellationToken).ConfigureAwait(false);
        return await community.RecordCommandAsync(communityId, owner, ReferralActivityTypes.SetCodeStatus, idempotencyKey, cancellationToken, ("code", code), ("enabled", enabled ? "true" : "false")).ConfigureAwait(false);
    }

    public async ValueTask<ActivityOutcome> RecordClickAsync(CommunityId communityId, string code, string visitorId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(visitorId))
        {
            throw new CommunityValidationException("visitorId", "is required");
        }

        var owner = await OwnerOfAsync(communityId, code, cancellationToken).ConfigureAwait(false);
        return await community.RecordCommandAsync(communityId, owner, ReferralActivityTypes.Click, idempotencyKey, cancellationToken, ("code", code), ("visitor", visitorId)).ConfigureAwait(false);
    }

    public ValueTask<ActivityOutcome> ApproveAsync(CommunityId communityId, MemberId invitee, string idempotencyKey, CancellationToken cancellationToken = default) =>
        community.RecordCommandAsync(communityId, invitee, ReferralActivityTypes.Approve, idempotencyKey, cancellationToken);

    public ValueTask<ActivityOutcome> RejectAsync(CommunityId communityId, MemberId invitee, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        community.RecordCommandAsync(communityId, invitee, ReferralActivityTypes.Reject, idempotencyKey, cancellationToken, ("reason", reason));

    public ValueTask<ActivityOutcome> BanAsync(CommunityId communityId, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        community.RecordCommandAsync(communityId, member, ReferralActivityTypes.Ban, idempotencyKey, cancellationToken, ("reason", reason));

    public async ValueTask<Referral?> GetReferralAsync(CommunityId communityId, MemberId invitee, CancellationToken cancellationToken = default)
    {
        Require(communityId, invitee);
        return await projection.ReadAsync(communityId, (s, _) => s.Referrals.GetValueOrDefault(invitee)?.ToReferral(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<Referral>> GetHeldAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        return await projection.ReadAsync<IReadOnlyList<Referral>>(communityId, (s, _) => s.Referrals.Values.Where(r => r.Status == ReferralStatus.Held).OrderBy(r => r.JoinedAt).Select(r => r.ToReferral()).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<BranchHealth> GetBranchHealthAsync(CommunityId communityId, MemberId inviter, CancellationToken cancellationToken = default)
    {
        Require(communityId, inviter);
        return await projection.ReadAsync(communityId, (s, members) => ReferralReactor.Health(s, members, inviter), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<MemberId?> GetInviterAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync(communityId, member, (forest, node) => forest.Parent(node) is var p && p >= 0 ? forest.IdOf(p) : (MemberId?)null, null, cancellationToken);

    public ValueTask<IReadOnlyList<MemberId>> GetAncestorsAsync(CommunityId communityId, MemberId member, int levels, CancellationToken cancellationToken = default)
    {
        if (levels < 1)
        {
            throw new CommunityValidationException("levels", "must be at least 1");
        }

        return ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => Ancestors(forest, node, levels), [], cancellationToken);
    }

    public ValueTask<IReadOnlyList<MemberId>> GetPathToRootAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => Ancestors(forest, node, int.MaxValue), [], cancellationToken);

    public ValueTask<IReadOnlyList<MemberId>> GetInviteesAsync(CommunityId communityId, MemberId member, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        if (skip < 0)
        {
            throw new CommunityValidationException("skip", "must not be negative");
        }

        if (take is < 1 or > ActivityPageRequest.MaxPageSize)
        {
            throw new CommunityValidationException("take", $"must be between 1 and {ActivityPageRequest.MaxPageSize}");
        }

        return ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => forest.Invitees(node, skip, take).Select(forest.IdOf).ToArray(), [], cancellationToken);
    }

    public ValueTask<int> GetDescendantCountAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync(communityId, member, (forest, node) => forest.Descendants(node), 0, cancellationToken);

    public ValueTask<int> GetDepthAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync(communityId, member, (forest, node) => forest.Depth(node), -1, cancellationToken);

    public async ValueTask<IReadOnlyList<(MemberId Inviter, int Qualified)>> GetTopInvitersAsync(CommunityId communityId, int count, CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > ActivityPageRequest.MaxPageSize)
        {
            throw new CommunityValidationException("count", $"must be between 1 and {ActivityPageRequest.MaxPageSize}");
        }

        return await projection.ReadAsync<IReadOnlyList<(MemberId, int)>>(communityId, (s, _) => s.TopInviters.Take(count).Select(t => (new MemberId(t.Member), -t.Negative)).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> ReadNodeAsync<T>(CommunityId communityId, MemberId member, Func<CommunityMembers, int, T> read, T missing, CancellationToken cancellationToken)
    {
        Require(communityId, member);
        return await projection.ReadAsync(communityId, (_, members) => members.IndexOf(member) is var node && node >= 0 ? read(members, node) : missing, cancellationToken).ConfigureAwait(false);
    }

    private static List<MemberId> Ancestors(CommunityMembers members, int node, int levels)
    {
        var result = new List<MemberId>();
        for (var a = members.Parent(node); a >= 0 && result.Count < levels; a = members.Parent(a))
        {
            result.Add(members.IdOf(a));
        }

        return result;
    }

    private ValueTask<ActivityOutcome> CreateCodeAsync(CommunityId communityId, MemberId member, string key, string code, bool isDefault, bool vanity, InviteRequest? request, CancellationToken cancellationToken)
    {
        var attributes = new List<(string, string)> { ("code", code), ("default", isDefault ? "true" : "false"), ("vanity", vanity ? "true" : "false") };
        if (request?.MaxUses is { } maxUses)
        {
            attributes.Add(("max_uses", maxUses.ToString(CultureInfo.InvariantCulture)));
        }

        if (request?.ExpiresAt is { } expiresAt)
        {
            attributes.Add(("expires_at", expiresAt.ToString("O", CultureInfo.InvariantCulture)));
        }

        if (request?.Segment is { } segment)
        {
            attributes.Add(("segment", segment));
        }

        return community.RecordCommandAsync(communityId, member, ReferralActivityTypes.CreateCode, key, cancellationToken, [.. attributes]);
    }

    private async ValueTask<MemberId> OwnerOfAsync(CommunityId communityId, string code, CancellationToken cancellationToken)
    {
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        return await projection.ReadAsync(communityId, (s, _) => ReferralReactor.Find(s, code, "code").Owner, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<ReferralCodeInfo> InfoAsync(CommunityId communityId, string code, CancellationToken cancellationToken) =>
        projection.ReadAsync(communityId, (s, _) => s.Codes[CodeRules.Skeleton(code)].ToInfo(), cancellationToken);


    private static void Require(CommunityId communityId, MemberId member)
    {
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }
    }
}
