using System.Globalization;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Tier progress from the scoring state; suspensions as recorded commands.</summary>
internal sealed class TierService(ICommunity community, ScoringProjection projection, ScoringModel model, TierEvaluator tiers, TimeProvider time) : ITierService
{
    public async ValueTask<TierProgress> GetProgressAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        ScoringService.Require(communityId, member);
        var now = time.GetUtcNow();
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                var index = members.IndexOf(member) is var i && i < s.Capacity ? i : -1;
                var state = index >= 0 ? s.Tiers[index] : new MemberTier { Locked = -1 };
                var current = state.Tier;
                var next = current + 1 < model.Tiers.Length ? current + 1 : -1;
                var keep = tiers.Progress(s, member, now, current);
                var protectedUntil = tiers.ProtectedUntil(state);
                DateTimeOffset? demotionAt = state.GraceUntil;
                if (demotionAt is null && state.Locked < 0 && keep.Exists(p => !p.Met))
                {
                    // Failing while protected: demoted when the protection ends, after the tier's grace.
                    demotionAt = (protectedUntil > now ? protectedUntil : now) + tiers.GraceOf(current);
                }

                return new TierProgress(
                    member,
                    model.TierName(current),
                    next < 0 ? null : model.TierName(next),
                    state.Locked >= 0,
                    state.SuspendedUntil is { } until && until > now ? until : null,
                    protectedUntil > now ? protectedUntil : null,
                    state.Locked >= 0 ? null : demotionAt,
                    keep,
                    next < 0 ? [] : tiers.Progress(s, member, now, next))
                {
                    TierDisplayName = model.TierDisplayName(current, culture),
                    NextTierDisplayName = next < 0 ? null : model.TierDisplayName(next, culture),
                };
            },
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ActivityOutcome> SuspendAsync(CommunityId communityId, MemberId member, DateTimeOffset until, string reason, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ScoringService.Require(communityId, member);
        return community.RecordCommandAsync(
            communityId,
            member,
            ScoringActivityTypes.Suspend,
            idempotencyKey,
            cancellationToken,
            ("until", until.ToString("O", CultureInfo.InvariantCulture)),
            ("reason", reason));
    }

    public ValueTask<ActivityOutcome> LiftSuspensionAsync(CommunityId communityId, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ScoringService.Require(communityId, member);
        return community.RecordCommandAsync(communityId, member, ScoringActivityTypes.Suspend, idempotencyKey, cancellationToken, ("reason", reason));
    }
}
