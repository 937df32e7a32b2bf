using CommunitySdk.Projections;

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

/// <summary>All badge state of one community, per member by the core's dense member index.</summary>
internal sealed class CommunityBadges(int badges, CommunityMembers members) : ILeafReader, ILeafWriter
{
    private MemberBadges?[] _members = new MemberBadges?[64];

    public CommunityMembers Members { get; } = members;

    public CommunityFirsts Firsts { get; set; } = new();

    /// <summary>Current holders per badge.</summary>
    public int[] Holders { get; } = new int[badges];

    public int MemberCount { get; set; }

    public MemberBadges? Find(MemberId member) => Find(Members.IndexOf(member));

    public MemberBadges? Find(int index) => index >= 0 && index < _members.Length ? _members[index] : null;

    public MemberBadges GetOrAdd(MemberId member) => GetOrAdd(Members.Intern(member)); // the fold only

    public MemberBadges GetOrAdd(int index)
    {
        if (index >= _members.Length)
        {
            Array.Resize(ref _members, Math.Max(index + 1, _members.Length * 2));
        }

        return _members[index] ??= new MemberBadges();
    }

    /// <summary>Members with any badge state, by index.</summary>
    public IEnumerable<(int Index, MemberBadges State)> All()
    {
        for (var i = 0; i < _members.Length; i++)
        {
            if (_members[i] is { } state)
            {
                yield return (i, state);
            }
        }
    }

    public LeafState? Get(MemberId member, int slot) => Find(member)?.Leaves.GetValueOrDefault(slot);

    /// <summary>The fold of committed activities writes the committed state.</summary>
    public LeafState Writable(MemberId member, int slot) => BadgeProjection.LeafOf(GetOrAdd(member), slot);

    public void Touched(MemberId member, int badge)
    {
    }
}

/// <summary>Badges folded from committed activities and events, per community.</summary>
internal sealed class BadgeProjection(BadgeCatalog catalog, ICommunityCalendar calendar) : CommunityProjection<CommunityBadges>
{
    public override string Name => "badges";

    public override bool SupportsSnapshots => true;

    public override string RulesFingerprint => catalog.Fingerprint;

    protected override CommunityBadges Create(CommunityId community, CommunityMembers members) => new(catalog.Badges.Count, members);

    protected override void Apply(CommunityBadges community, CommittedActivity committed, CommunityMembers members)
    {
        BadgeEngine.Fold(
            catalog,
            committed.Activity,
            committed.Events,
            committed.EffectiveTime,
            calendar.LocalDate(committed.Activity.Community, committed.EffectiveTime),
            community,
            community.Firsts);

        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
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

    protected override void Write(CommunityBadges state, SnapshotWriter w)
    {
        w.Write(state.MemberCount);
        foreach (var holders in state.Holders)
        {
            w.Write(holders);
        }

        var done = state.Firsts.Done.ToArray();
        w.Write(done.Length);
        foreach (var type in done)
        {
            w.Write(type);
        }

        var all = state.All().ToArray();
        w.Write(all.Length);
        foreach (var (index, member) in all)
        {
            w.Write(index);
            w.Write(member.Leaves.Count);
            foreach (var (slot, leaf) in member.Leaves)
            {
                w.Write(slot);
                w.Write(leaf.Value);
                w.Write(leaf.Best);
                w.Write(leaf.Last);
                w.WriteNullable(leaf.Text);
                w.Write(leaf.Head);
                w.Write(leaf.Ring?.Length ?? -1);
                foreach (var at in leaf.Ring ?? [])
                {
                    w.Write(at);
                }

                w.Write(leaf.Set?.Count ?? -1);
                foreach (var value in leaf.Set ?? [])
                {
                    w.Write(value);
                }
            }

            w.Write(member.Held.Count);
            foreach (var (badge, held) in member.Held)
            {
                w.Write(catalog.Badges[badge].Info.Id);
                w.Write(held.Grants);
                w.Write(held.First);
                w.Write(held.Last);
                w.Write(held.Revoked);
                w.Write(held.Withdrawn);
            }
        }
    }

    protected override CommunityBadges Read(CommunityId community, CommunityMembers members, SnapshotReader r)
    {
        var state = new CommunityBadges(catalog.Badges.Count, members) { MemberCount = r.ReadInt32() };
        for (var b = 0; b < state.Holders.Length; b++)
        {
            state.Holders[b] = r.ReadInt32();
        }

        var firsts = new CommunityFirsts();
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            firsts.TryClaim(r.ReadString());
        }

        state.Firsts = firsts;
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var member = state.GetOrAdd(r.ReadInt32());
            for (var l = r.ReadInt32(); l > 0; l--)
            {
                var slot = r.ReadInt32();
                var leaf = new LeafState { Value = r.ReadDouble(), Best = r.ReadDouble(), Last = r.ReadDateOnly(), Text = r.ReadNullableString(), Head = r.ReadInt32() };
                var ring = r.ReadInt32();
                if (ring >= 0)
                {
                    leaf.Ring = new DateTimeOffset[ring];
                    for (var i = 0; i < ring; i++)
                    {
                        leaf.Ring[i] = r.ReadDateTimeOffset();
                    }
                }

                var set = r.ReadInt32();
                if (set >= 0)
                {
                    leaf.Set = new HashSet<string>(StringComparer.Ordinal);
                    for (var i = 0; i < set; i++)
                    {
                        leaf.Set.Add(r.ReadString());
                    }
                }

                member.Leaves[slot] = leaf;
            }

            for (var h = r.ReadInt32(); h > 0; h--)
            {
                var badge = catalog.ById[r.ReadString()].Index;
                member.Held[badge] = new HeldBadge { Grants = r.ReadInt32(), First = r.ReadDateTimeOffset(), Last = r.ReadDateTimeOffset(), Revoked = r.ReadBoolean(), Withdrawn = r.ReadBoolean() };
            }
        }

        return state;
    }

    internal static LeafState LeafOf(MemberBadges member, int slot)
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
