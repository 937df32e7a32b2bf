using System.Globalization;

namespace CommunitySdk.Badges.Internal;

internal sealed class BadgeService(
    ICommunity community,
    BadgeCatalog catalog,
    BadgeProjection projection,
    ICommunityCalendar calendar,
    TimeProvider time) : IBadgeService
{
    public IReadOnlyList<BadgeInfo> Definitions => catalog.Display(CultureInfo.CurrentUICulture);

    public ValueTask<ActivityOutcome> GrantAsync(CommunityId communityId, MemberId member, string badgeId, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CommandAsync(BadgeActivityTypes.Grant, communityId, member, badgeId, reason, idempotencyKey, cancellationToken);

    public ValueTask<ActivityOutcome> RevokeAsync(CommunityId communityId, MemberId member, string badgeId, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CommandAsync(BadgeActivityTypes.Revoke, communityId, member, badgeId, reason, idempotencyKey, cancellationToken);

    public ValueTask<ActivityOutcome> BackfillAsync(CommunityId communityId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        community.RecordCommandAsync(communityId, BadgeSystemMember, BadgeActivityTypes.Backfill, idempotencyKey, cancellationToken);

    public async ValueTask<IReadOnlyList<MemberBadge>> GetBadgesAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(member);
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync<IReadOnlyList<MemberBadge>>(communityId, (c, _) => Badges(c, member, culture), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<BadgeProgress>> GetProgressAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(member);
        var now = time.GetUtcNow();
        var clock = new Clock(now, calendar.LocalDate(communityId, now));
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync<IReadOnlyList<BadgeProgress>>(communityId, (c, _) => Progress(c, member, clock, culture), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<BadgeRarity>> GetRarityAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync<IReadOnlyList<BadgeRarity>>(
            communityId,
            (c, _) => catalog.Badges.Select(b => new BadgeRarity(b.Display(culture), c.Holders[b.Index], c.MemberCount)).ToArray(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The member a backfill is recorded under (it concerns the whole community).</summary>
    internal static readonly MemberId BadgeSystemMember = new("system.badges");

    private MemberBadge[] Badges(CommunityBadges c, MemberId member, CultureInfo culture)
    {
        if (c.Find(member) is not { } state)
        {
            return [];
        }

        // A family shows only its highest level currently held.
        var top = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (index, held) in state.Held)
        {
            var info = catalog.Badges[index].Info;
            if (!held.Revoked && info.Family is { } family && info.Level > top.GetValueOrDefault(family))
            {
                top[family] = info.Level;
            }
        }

        return state.Held
            .OrderBy(h => h.Key)
            .Select(h =>
            {
                var info = catalog.Badges[h.Key].Info;
                var displayed = !h.Value.Revoked && (info.Family is null || top.GetValueOrDefault(info.Family) == info.Level);
                return new MemberBadge(catalog.Badges[h.Key].Display(culture), h.Value.Grants, h.Value.First, h.Value.Last, h.Value.Revoked, displayed);
            })
            .ToArray();
    }

    private BadgeProgress[] Progress(CommunityBadges c, MemberId member, Clock clock, CultureInfo culture)
    {
        var state = c.Find(member);
        var list = new List<BadgeProgress>();
        foreach (var badge in catalog.Badges)
        {
            if (badge.Criterion is null || badge.Info.Hidden || (state?.Holds(badge.Index) == true && !badge.Info.Repeatable))
            {
                continue;
            }

            var (current, target) = badge.Criterion.Progress(c, member, clock);
            list.Add(new BadgeProgress(badge.Display(culture), current, target, badge.Criterion.Unit));
        }

        return [.. list];
    }

    private ValueTask<ActivityOutcome> CommandAsync(string type, CommunityId communityId, MemberId member, string badgeId, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        Require(member);
        catalog.Require(badgeId);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CommunityValidationException("reason", "is required");
        }

        return community.RecordCommandAsync(
            communityId,
            member,
            type,
            idempotencyKey,
            cancellationToken,
            (BadgeActivityTypes.BadgeAttribute, badgeId),
            (BadgeActivityTypes.ReasonAttribute, reason));
    }

    private static void Require(MemberId member)
    {
        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }
    }
}
