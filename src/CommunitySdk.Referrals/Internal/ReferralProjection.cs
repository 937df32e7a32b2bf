using CommunitySdk.Projections;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Referrals.Internal;

/// <summary>
/// Referral state folded from committed events, per community. The invite forest itself is the core's
/// (<see cref="CommunityMembers"/>): features share one. Everything here is bounded by members, codes and windows:
/// a code keeps its join times of the velocity window, an inviter the rewards of the current month, clicks their
/// attribution window.
/// </summary>
internal sealed class ReferralProjection(ICommunityCalendar calendar, IOptions<ReferralOptions> options) : CommunityProjection<CommunityReferrals>
{
    // Read on first use, not in the constructor: the core creates projections while it is itself being created, and
    // validating these options resolves other features' services.
    private ReferralOptions Settings => options.Value;

    public override string Name => "referrals";

    public override bool SupportsSnapshots => true;

    public override string RulesFingerprint => string.Join(
        ';',
        Settings.AttributionWindow.Ticks,
        Settings.Fraud.VelocityWindow.Ticks,
        Settings.MaxClickVisitors);

    public DateOnly LocalDate(CommunityId community, DateTimeOffset at) => calendar.LocalDate(community, at);

    protected override CommunityReferrals Create(CommunityId community, CommunityMembers members) => new();

    protected override void Apply(CommunityReferrals s, CommittedActivity committed, CommunityMembers members)
    {
        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            Apply(s, committed, e);
        }
    }

    private void Apply(CommunityReferrals s, CommittedActivity committed, CommunityEvent e)
    {
        switch (e)
        {
            case MemberJoined joined:
                if (committed.Activity.Member == joined.Member && committed.Activity.GetAttribute(CommunityActivityTypes.FingerprintAttribute) is { Length: > 0 } fingerprint)
                {
                    s.Fingerprints[joined.Member] = fingerprint;
                }

                SetSegments(s, joined.Member, joined.Profile);
                break;
            case MemberProfileUpdated updated:
                SetSegments(s, updated.Member, updated.Changes);
                break;
            case ReferralCodeCreated created:
                s.Codes[CodeRules.Skeleton(created.Code)] = new CodeState(created.Code, created.Member, created.IsDefault, created.MaxUses, created.ExpiresAt, created.Segment);
                if (created.IsDefault)
                {
                    s.DefaultCodes[created.Member] = created.Code;
                }
                else
                {
                    // Only today's count matters to the quota: one entry per member, not one per member and day.
                    var day = LocalDate(committed.Activity.Community, e.OccurredAt);
                    var (last, count) = s.InvitesPerDay.GetValueOrDefault(created.Member);
                    s.InvitesPerDay[created.Member] = (day, last == day ? count + 1 : 1);
                }

                break;
            case MemberErased erased:
                // The erased member's codes (now under the tombstone) admit nobody any more.
                foreach (var code in s.Codes.Values.Where(c => c.Owner == erased.Member))
                {
                    code.Enabled = false;
                }

                break;
            case ReferralCodeStatusChanged status:
                if (s.Codes.TryGetValue(CodeRules.Skeleton(status.Code), out var toggled))
                {
                    toggled.Enabled = status.Enabled;
                }

                break;
            case ReferralClicked click:
                if (!s.Clicks.TryGetValue(click.VisitorId, out var clicks))
                {
                    s.Clicks[click.VisitorId] = clicks = [];
                }

                clicks.Add((click.OccurredAt, click.Code));
                s.ClickOrder.Enqueue((click.VisitorId, click.OccurredAt));
                ForgetClicks(s, click.OccurredAt - Settings.AttributionWindow, Settings.MaxClickVisitors);
                break;
            case ReferralJoined referral:
                var inWindow = 1;
                if (s.Codes.TryGetValue(CodeRules.Skeleton(referral.Code), out var used))
                {
                    used.Uses++;
                    used.JoinTimes.Add(referral.OccurredAt);
                    var horizon = referral.OccurredAt - Settings.Fraud.VelocityWindow;
                    var drop = used.JoinTimes.FindIndex(t => t > horizon);
                    if (drop > 0)
                    {
                        used.JoinTimes.RemoveRange(0, drop); // only joins inside the velocity window are ever counted
                    }

                    inWindow = used.JoinTimes.Count;
                }

                s.Referrals[referral.Member] = new ReferralState(referral.Member, referral.Inviter, referral.Code, referral.OccurredAt) { JoinsInWindow = inWindow };
                break;
            case ReferralQualified qualified:
                var q = s.Referrals[qualified.Member];
                q.QualifyingKey = qualified.QualifyingKey;
                if (s.Fingerprints.TryGetValue(qualified.Member, out var fp))
                {
                    s.ConversionsByFingerprint[fp] = s.ConversionsByFingerprint.GetValueOrDefault(fp) + 1;
                }

                break;
            case ReferralHeld held:
                s.Referrals[held.Member].Status = ReferralStatus.Held;
                s.Referrals[held.Member].HoldReasons = held.Reasons;
                break;
            case ReferralRewarded rewarded:
                s.Referrals[rewarded.Member].Status = ReferralStatus.Rewarded;
                var month = LocalDate(committed.Activity.Community, rewarded.OccurredAt) is var d ? new DateOnly(d.Year, d.Month, 1) : default;
                var (current, rewards) = s.RewardedThisMonth.GetValueOrDefault(rewarded.Inviter);
                s.RewardedThisMonth[rewarded.Inviter] = (month, current == month ? rewards + 1 : 1);
                s.AddQualified(rewarded.Inviter, +1);
                break;
            case ReferralRejected rejected:
                s.Referrals[rejected.Member].Status = ReferralStatus.Rejected;
                break;
            case ReferralReversed reversed:
                if (s.Referrals[reversed.Member].Status == ReferralStatus.Rewarded)
                {
                    s.AddQualified(reversed.Inviter, -1);
                }

                s.Referrals[reversed.Member].Status = ReferralStatus.Reversed;
                break;
            case MemberBanned banned:
                if (s.Banned.Add(banned.Member) && banned.Chain.Count > 0)
                {
                    s.Problematic[banned.Chain[0]] = s.Problematic.GetValueOrDefault(banned.Chain[0]) + 1;
                }

                break;
            case InvitingSuspended suspended:
                s.Suspended.Add(suspended.Member);
                break;
        }
    }

    /// <summary>Drops clicks older than <paramref name="before"/>, and whole visitors seen longest ago beyond <paramref name="max"/>.</summary>
    private static void ForgetClicks(CommunityReferrals s, DateTimeOffset before, int max)
    {
        while (s.ClickOrder.TryPeek(out var head) && (head.At < before || s.Clicks.Count > max))
        {
            s.ClickOrder.Dequeue();
            if (!s.Clicks.TryGetValue(head.Visitor, out var clicks))
            {
                continue;
            }

            if (s.Clicks.Count > max || clicks[^1].At <= head.At)
            {
                s.Clicks.Remove(head.Visitor); // over the limit, or no later click: the visitor goes
            }
            else
            {
                clicks.RemoveAll(c => c.At <= head.At); // later clicks (with their own queue entries) stay
            }
        }
    }

    private static void SetSegments(CommunityReferrals s, MemberId member, IReadOnlyDictionary<string, string> profile)
    {
        if (profile.TryGetValue(ProfileKeys.Segments, out var segments))
        {
            s.Segments[member] = segments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        }
    }

    protected override void Write(CommunityReferrals s, SnapshotWriter w)
    {
        w.Write(s.Codes.Count);
        foreach (var code in s.Codes.Values)
        {
            w.Write(code.Code);
            w.Write(code.Owner.Value);
            w.Write(code.IsDefault);
            w.Write(code.MaxUses ?? -1);
            w.Write(code.ExpiresAt);
            w.WriteNullable(code.Segment);
            w.Write(code.Enabled);
            w.Write(code.Uses);
            w.Write(code.JoinTimes.Count);
            code.JoinTimes.ForEach(w.Write);
        }

        WriteMap(w, s.DefaultCodes, v => w.Write(v));
        WriteMap(w, s.InvitesPerDay, v => { w.Write(v.Day); w.Write(v.Count); });
        w.Write(s.Clicks.Count);
        foreach (var (visitor, clicks) in s.Clicks)
        {
            w.Write(visitor);
            w.Write(clicks.Count);
            foreach (var (at, code) in clicks)
            {
                w.Write(at);
                w.Write(code);
            }
        }

        w.Write(s.ClickOrder.Count);
        foreach (var (visitor, at) in s.ClickOrder)
        {
            w.Write(visitor);
            w.Write(at);
        }

        WriteMap(w, s.Referrals, r =>
        {
            w.Write(r.Inviter.Value);
            w.Write(r.Code);
            w.Write(r.JoinedAt);
            w.Write((int)r.Status);
            w.Write(r.HoldReasons.Count);
            foreach (var reason in r.HoldReasons)
            {
                w.Write(reason);
            }

            w.WriteNullable(r.QualifyingKey);
            w.Write(r.JoinsInWindow);
        });
        WriteMap(w, s.Fingerprints, v => w.Write(v));
        w.Write(s.ConversionsByFingerprint.Count);
        foreach (var (fingerprint, count) in s.ConversionsByFingerprint)
        {
            w.Write(fingerprint);
            w.Write(count);
        }

        WriteMap(w, s.RewardedThisMonth, v => { w.Write(v.Month); w.Write(v.Count); });
        WriteSet(w, s.Banned);
        WriteMap(w, s.Problematic, v => w.Write(v));
        WriteSet(w, s.Suspended);
        WriteMap(w, s.Segments, v =>
        {
            w.Write(v.Count);
            foreach (var segment in v)
            {
                w.Write(segment);
            }
        });
        WriteMap(w, s.Qualified, v => w.Write(v));
    }

    protected override CommunityReferrals Read(CommunityId community, CommunityMembers members, SnapshotReader r)
    {
        var s = new CommunityReferrals();
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var (text, owner, isDefault, maxUses, expiresAt, segment) = (r.ReadString(), new MemberId(r.ReadString()), r.ReadBoolean(), r.ReadInt32(), r.ReadNullableDateTimeOffset(), r.ReadNullableString());
            var code = new CodeState(text, owner, isDefault, maxUses < 0 ? null : maxUses, expiresAt, segment) { Enabled = r.ReadBoolean(), Uses = r.ReadInt32() };
            for (var t = r.ReadInt32(); t > 0; t--)
            {
                code.JoinTimes.Add(r.ReadDateTimeOffset());
            }

            s.Codes[CodeRules.Skeleton(text)] = code;
        }

        ReadMap(r, s.DefaultCodes, () => r.ReadString());
        ReadMap(r, s.InvitesPerDay, () => (r.ReadDateOnly(), r.ReadInt32()));
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var visitor = r.ReadString();
            var clicks = new List<(DateTimeOffset, string)>();
            for (var c = r.ReadInt32(); c > 0; c--)
            {
                clicks.Add((r.ReadDateTimeOffset(), r.ReadString()));
            }

            s.Clicks[visitor] = clicks;
        }

        for (var n = r.ReadInt32(); n > 0; n--)
        {
            s.ClickOrder.Enqueue((r.ReadString(), r.ReadDateTimeOffset()));
        }

        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var invitee = new MemberId(r.ReadString());
            var referral = new ReferralState(invitee, new MemberId(r.ReadString()), r.ReadString(), r.ReadDateTimeOffset()) { Status = (ReferralStatus)r.ReadInt32() };
            var reasons = new string[r.ReadInt32()];
            for (var i = 0; i < reasons.Length; i++)
            {
                reasons[i] = r.ReadString();
            }

            referral.HoldReasons = reasons;
            referral.QualifyingKey = r.ReadNullableString();
            referral.JoinsInWindow = r.ReadInt32();
            s.Referrals[invitee] = referral;
        }

        ReadMap(r, s.Fingerprints, () => r.ReadString());
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            s.ConversionsByFingerprint[r.ReadString()] = r.ReadInt32();
        }

        ReadMap(r, s.RewardedThisMonth, () => (r.ReadDateOnly(), r.ReadInt32()));
        ReadSet(r, s.Banned);
        ReadMap(r, s.Problematic, () => r.ReadInt32());
        ReadSet(r, s.Suspended);
        ReadMap(r, s.Segments, () =>
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            for (var i = r.ReadInt32(); i > 0; i--)
            {
                set.Add(r.ReadString());
            }

            return set;
        });
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            s.AddQualified(new MemberId(r.ReadString()), r.ReadInt32());
        }

        return s;
    }

    private static void WriteMap<T>(SnapshotWriter w, Dictionary<MemberId, T> map, Action<T> write)
    {
        w.Write(map.Count);
        foreach (var (member, value) in map)
        {
            w.Write(member.Value);
            write(value);
        }
    }

    private static void ReadMap<T>(SnapshotReader r, Dictionary<MemberId, T> map, Func<T> read)
    {
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var member = new MemberId(r.ReadString());
            map[member] = read();
        }
    }

    private static void WriteSet(SnapshotWriter w, HashSet<MemberId> set)
    {
        w.Write(set.Count);
        foreach (var member in set)
        {
            w.Write(member.Value);
        }
    }

    private static void ReadSet(SnapshotReader r, HashSet<MemberId> set)
    {
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            set.Add(new MemberId(r.ReadString()));
        }
    }
}

/// <summary>A code and how it has been used.</summary>
internal sealed class CodeState(string code, MemberId owner, bool isDefault, int? maxUses, DateTimeOffset? expiresAt, string? segment)
{
    public string Code { get; } = code;

    public MemberId Owner { get; } = owner;

    public bool IsDefault { get; } = isDefault;

    public int? MaxUses { get; } = maxUses;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    public string? Segment { get; } = segment;

    public bool Enabled { get; set; } = true;

    public int Uses { get; set; }

    /// <summary>Join times inside the velocity window (older ones are dropped: they are never counted).</summary>
    public List<DateTimeOffset> JoinTimes { get; } = [];

    public ReferralCodeInfo ToInfo() => new(Code, Owner, Uses, MaxUses, ExpiresAt, Enabled, Segment);
}

/// <summary>One referral's state.</summary>
internal sealed class ReferralState(MemberId invitee, MemberId inviter, string code, DateTimeOffset joinedAt)
{
    public MemberId Invitee { get; } = invitee;

    public MemberId Inviter { get; } = inviter;

    public string Code { get; } = code;

    public DateTimeOffset JoinedAt { get; } = joinedAt;

    public ReferralStatus Status { get; set; } = ReferralStatus.Joined;

    public IReadOnlyList<string> HoldReasons { get; set; } = [];

    public string? QualifyingKey { get; set; }

    /// <summary>Joins through the same code within the velocity window up to this one (this one included), for the velocity rule.</summary>
    public int JoinsInWindow { get; set; }

    public Referral ToReferral() => new(Invitee, Inviter, Code, JoinedAt, Status, HoldReasons);
}

/// <summary>All referral state of one community (the invite forest is the core's <see cref="CommunityMembers"/>).</summary>
internal sealed class CommunityReferrals
{
    /// <summary>Codes by skeleton (look-alike characters folded).</summary>
    public Dictionary<string, CodeState> Codes { get; } = new(StringComparer.Ordinal);

    public Dictionary<MemberId, string> DefaultCodes { get; } = [];

    /// <summary>Invites each member created on the last day they created any (the daily quota).</summary>
    public Dictionary<MemberId, (DateOnly Day, int Count)> InvitesPerDay { get; } = [];

    public Dictionary<string, List<(DateTimeOffset At, string Code)>> Clicks { get; } = new(StringComparer.Ordinal);

    /// <summary>Every kept click in arrival order, for dropping old clicks and visitors.</summary>
    public Queue<(string Visitor, DateTimeOffset At)> ClickOrder { get; } = new();

    public Dictionary<MemberId, ReferralState> Referrals { get; } = [];

    public Dictionary<MemberId, string> Fingerprints { get; } = [];

    public Dictionary<string, int> ConversionsByFingerprint { get; } = new(StringComparer.Ordinal);

    /// <summary>Referrals rewarded to each inviter in the last month they had any (the monthly cap).</summary>
    public Dictionary<MemberId, (DateOnly Month, int Count)> RewardedThisMonth { get; } = [];

    public HashSet<MemberId> Banned { get; } = [];

    public Dictionary<MemberId, int> Problematic { get; } = [];

    public HashSet<MemberId> Suspended { get; } = [];

    public Dictionary<MemberId, HashSet<string>> Segments { get; } = [];

    public Dictionary<MemberId, int> Qualified { get; } = [];

    /// <summary>Inviters ordered by qualified invitees (most first), then member id.</summary>
    public SortedSet<(int Negative, string Member)> TopInviters { get; } = new(Comparer<(int Negative, string Member)>.Create((a, b) =>
    {
        var byCount = a.Negative.CompareTo(b.Negative);
        return byCount != 0 ? byCount : string.CompareOrdinal(a.Member, b.Member);
    }));

    public void AddQualified(MemberId inviter, int delta)
    {
        var before = Qualified.GetValueOrDefault(inviter);
        TopInviters.Remove((-before, inviter.Value));
        var after = before + delta;
        Qualified[inviter] = after;
        if (after > 0)
        {
            TopInviters.Add((-after, inviter.Value));
        }
    }
}
