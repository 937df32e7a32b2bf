using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Referrals.Internal;

internal sealed class ReferralService(
    ICommunity community,
    ReferralProjection projection,
    IProjectionSynchronizer sync,
    IOptions<ReferralOptions> options) : IReferralService, IInviteGraph
{
    private const int MaxAttempts = 8;

    public async ValueTask<ReferralCodeInfo> GetOrCreateCodeAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        for (var attempt = 0; ; attempt++)
        {
            await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
            var existing = projection.Read(communityId, s => s.DefaultCodes.TryGetValue(member, out var code) ? s.Codes[CodeRules.Skeleton(code)].ToInfo() : null);
            if (existing is not null)
            {
                return existing;
            }

            var code = CodeRules.Generate(options.Value.CodeLength);
            try
            {
                await CreateCodeAsync(communityId, member, $"{ReferralActivityTypes.CreateCode}:default:{member}", code, isDefault: true, vanity: false, null, cancellationToken).ConfigureAwait(false);
                return Info(communityId, code);
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
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => s.DefaultCodes.TryGetValue(member, out var code) ? s.Codes[CodeRules.Skeleton(code)].ToInfo() : null);
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
                return Info(communityId, outcome.EffectsOf<ReferralCodeCreated>().Single().Code);
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
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => s.Referrals.GetValueOrDefault(invitee)?.ToReferral());
    }

    public async ValueTask<IReadOnlyList<Referral>> GetHeldAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => s.Referrals.Values.Where(r => r.Status == ReferralStatus.Held).OrderBy(r => r.JoinedAt).Select(r => r.ToReferral()).ToArray());
    }

    public async ValueTask<BranchHealth> GetBranchHealthAsync(CommunityId communityId, MemberId inviter, CancellationToken cancellationToken = default)
    {
        Require(communityId, inviter);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => ReferralReactor.Health(s, inviter));
    }

    public ValueTask<MemberId?> GetInviterAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync(communityId, member, (forest, node) => forest.Parent(node) is var p && p >= 0 ? forest.IdOf(p) : (MemberId?)null, null, cancellationToken);

    public ValueTask<IReadOnlyList<MemberId>> GetAncestorsAsync(CommunityId communityId, MemberId member, int levels, CancellationToken cancellationToken = default)
    {
        if (levels < 1)
        {
            throw new CommunityValidationException("levels", "must be at least 1");
        }

        return ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => forest.Ancestors(node, levels), [], cancellationToken);
    }

    public ValueTask<IReadOnlyList<MemberId>> GetPathToRootAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default) =>
        ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => forest.Ancestors(node, int.MaxValue), [], cancellationToken);

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

        return ReadNodeAsync<IReadOnlyList<MemberId>>(communityId, member, (forest, node) => forest.Children(node).Skip(skip).Take(take).Select(forest.IdOf).ToArray(), [], cancellationToken);
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

        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => s.TopInviters.Take(count).Select(t => (new MemberId(t.Member), -t.Negative)).ToArray());
    }

    private async ValueTask<T> ReadNodeAsync<T>(CommunityId communityId, MemberId member, Func<InviteForest, int, T> read, T missing, CancellationToken cancellationToken)
    {
        Require(communityId, member);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => s.Forest.IndexOf(member) is var node && node >= 0 ? read(s.Forest, node) : missing);
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

        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(communityId, s => ReferralReactor.Find(s, code, "code").Owner);
    }

    private ReferralCodeInfo Info(CommunityId communityId, string code) =>
        projection.Read(communityId, s => s.Codes[CodeRules.Skeleton(code)].ToInfo());


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
