using System.Collections.Concurrent;

namespace CommunitySdk.Badges.Internal;

/// <summary>A badge a member holds or held.</summary>
internal sealed class HeldBadge
{
    public int Grants;
    public DateTimeOffset First;
    public DateTimeOffset Last;
    public bool Revoked;

    /// <summary>Revoked by an operator: criteria do not grant it again.</summary>
    public bool Withdrawn;
}

/// <summary>One member's criteria state (sparse: only leaves they touched) and badges.</summary>
internal sealed class MemberBadges
{
    public Dictionary<int, LeafState> Leaves { get; } = [];

    public Dictionary<int, HeldBadge> Held { get; } = [];

    public bool Holds(int badge) => Held.TryGetValue(badge, out var h) && !h.Revoked;
}

/// <summary>All badge state of one community; read and written under <see cref="Sync"/>.</summary>
internal sealed class CommunityBadges(int badges) : ILeafReader
{
    public Lock Sync { get; } = new();

    public Dictionary<MemberId, MemberBadges> Members { get; } = [];

    public CommunityFirsts Firsts { get; } = new();

    /// <summary>Current holders per badge.</summary>
    public int[] Holders { get; } = new int[badges];

    public int MemberCount { get; set; }

    public MemberBadges? Find(MemberId member) => Members.GetValueOrDefault(member);

    public MemberBadges GetOrAdd(MemberId member)
    {
        if (!Members.TryGetValue(member, out var state))
        {
            Members[member] = state = new MemberBadges();
        }

        return state;
    }

    public LeafState? Get(MemberId member, int slot) => Find(member)?.Leaves.GetValueOrDefault(slot);
}

/// <summary>Badges folded from committed activities and events, per community.</summary>
internal sealed class BadgeProjection(BadgeCatalog catalog, ICommunityCalendar calendar) : ICommunityProjection
{
    private readonly ConcurrentDictionary<CommunityId, CommunityBadges> _communities = new();

    public void Apply(CommittedActivity committed)
    {
        var community = _communities.GetOrAdd(committed.Activity.Community, _ => new CommunityBadges(catalog.Badges.Count));
        lock (community.Sync)
        {
            BadgeEngine.Fold(
                catalog,
                committed.Activity,
                committed.Events,
                committed.EffectiveTime,
                DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(committed.EffectiveTime, calendar.GetTimeZone(committed.Activity.Community)).DateTime),
                (member, slot) => LeafOf(community.GetOrAdd(member), slot),
                community.Firsts,
                null);

            foreach (var e in committed.Events)
            {
                switch (e)
                {
                    case MemberJoined:
                        community.MemberCount++;
                        break;
                    case BadgeEarned earned:
                        Earn(community, earned);
                        break;
                    case BadgeRevoked revoked:
                        Revoke(community, revoked);
                        break;
                }
            }
        }
    }

    public void Reset(CommunityId community) => _communities.TryRemove(community, out _);

    public T Read<T>(CommunityId community, Func<CommunityBadges, T> read, T empty)
    {
        if (!_communities.TryGetValue(community, out var badges))
        {
            return empty;
        }

        lock (badges.Sync)
        {
            return read(badges);
        }
    }

    private static LeafState LeafOf(MemberBadges member, int slot)
    {
        if (!member.Leaves.TryGetValue(slot, out var leaf))
        {
            member.Leaves[slot] = leaf = new LeafState();
        }

        return leaf;
    }

    private void Earn(CommunityBadges community, BadgeEarned earned)
    {
        if (!catalog.ById.TryGetValue(earned.BadgeId, out var badge))
        {
            return; // a badge removed from the definitions: its history stays in the log
        }

        var member = community.GetOrAdd(earned.Member);
        if (!member.Held.TryGetValue(badge.Index, out var held))
        {
            member.Held[badge.Index] = held = new HeldBadge { First = earned.OccurredAt };
        }

        if (held.Grants == 0 || held.Revoked)
        {
            community.Holders[badge.Index]++;
        }

        held.Grants = earned.Grants;
        held.Last = earned.OccurredAt;
        held.Revoked = false;
        held.Withdrawn = false;
        if (badge.Info.Repeatable)
        {
            // Counting starts over for the next grant.
            foreach (var slot in catalog.SlotsOfBadge[badge.Index])
            {
                member.Leaves.Remove(slot);
            }
        }
    }

    private void Revoke(CommunityBadges community, BadgeRevoked revoked)
    {
        if (!catalog.ById.TryGetValue(revoked.BadgeId, out var badge) || community.Find(revoked.Member) is not { } member
            || !member.Held.TryGetValue(badge.Index, out var held) || held.Revoked)
        {
            return;
        }

        held.Revoked = true;
        held.Withdrawn = !revoked.Automatic;
        community.Holders[badge.Index]--;
    }
}
