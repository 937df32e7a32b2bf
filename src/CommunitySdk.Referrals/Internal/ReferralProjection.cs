using System.Collections.Concurrent;

namespace CommunitySdk.Referrals.Internal;

/// <summary>Referral state folded from committed events, per community.</summary>
internal sealed class ReferralProjection(ICommunityCalendar calendar, Microsoft.Extensions.Options.IOptions<ReferralOptions> options) : ICommunityProjection
{
    private readonly ConcurrentDictionary<CommunityId, CommunityReferrals> _communities = new();

    public void Apply(CommittedActivity committed)
    {
        var community = committed.Activity.Community;
        var state = Get(community);
        lock (state.Sync)
        {
            foreach (var e in committed.Events)
            {
                Apply(state, committed, e);
            }
        }
    }

    public void Reset(CommunityId community) => _communities.TryRemove(community, out _);

    public T Read<T>(CommunityId community, Func<CommunityReferrals, T> read)
    {
        // A community with nothing folded yet reads empty state that is not kept.
        var state = _communities.TryGetValue(community, out var existing) ? existing : new CommunityReferrals();
        lock (state.Sync)
        {
            return read(state);
        }
    }

    private void Apply(CommunityReferrals s, CommittedActivity committed, CommunityEvent e)
    {
        switch (e)
        {
            case MemberJoined joined:
                s.Forest.Add(joined.Member);
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
                ForgetClicks(s, click.OccurredAt - options.Value.AttributionWindow, options.Value.MaxClickVisitors);
                break;
            case ReferralJoined referral:
                s.Forest.SetInviter(referral.Member, referral.Inviter);
                var ordinal = 0;
                if (s.Codes.TryGetValue(CodeRules.Skeleton(referral.Code), out var used))
                {
                    ordinal = used.JoinTimes.Count;
                    used.Uses++;
                    used.JoinTimes.Add(referral.OccurredAt);
                }

                s.Referrals[referral.Member] = new ReferralState(referral.Member, referral.Inviter, referral.Code, referral.OccurredAt) { CodeJoinOrdinal = ordinal };
                break;
            case ReferralQualified qualified:
                var q = s.Referrals[qualified.Member];
                q.QualifyingKey = qualified.QualifyingKey;
                s.ByQualifyingKey[qualified.QualifyingKey] = qualified.Member;
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
                if (!s.RewardedAt.TryGetValue(rewarded.Inviter, out var times))
                {
                    s.RewardedAt[rewarded.Inviter] = times = [];
                }

                times.Add(rewarded.OccurredAt);
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

    public DateOnly LocalDate(CommunityId community, DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, calendar.GetTimeZone(community)).DateTime);

    private static void SetSegments(CommunityReferrals s, MemberId member, IReadOnlyDictionary<string, string> profile)
    {
        if (profile.TryGetValue(ProfileKeys.Segments, out var segments))
        {
            s.Segments[member] = segments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        }
    }

    private CommunityReferrals Get(CommunityId community) => _communities.GetOrAdd(community, static _ => new CommunityReferrals());
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

    /// <summary>Which join through its code this was (0 for the first), for the velocity rule.</summary>
    public int CodeJoinOrdinal { get; init; }

    public Referral ToReferral() => new(Invitee, Inviter, Code, JoinedAt, Status, HoldReasons);
}

/// <summary>All referral state of one community, read and written under <see cref="Sync"/>.</summary>
internal sealed class CommunityReferrals
{
    public Lock Sync { get; } = new();

    public InviteForest Forest { get; } = new();

    /// <summary>Codes by skeleton (look-alike characters folded).</summary>
    public Dictionary<string, CodeState> Codes { get; } = new(StringComparer.Ordinal);

    public Dictionary<MemberId, string> DefaultCodes { get; } = [];

    /// <summary>Invites each member created on the last day they created any (the daily quota).</summary>
    public Dictionary<MemberId, (DateOnly Day, int Count)> InvitesPerDay { get; } = [];

    public Dictionary<string, List<(DateTimeOffset At, string Code)>> Clicks { get; } = new(StringComparer.Ordinal);

    /// <summary>Every kept click in arrival order, for dropping old clicks and visitors.</summary>
    public Queue<(string Visitor, DateTimeOffset At)> ClickOrder { get; } = new();

    public Dictionary<MemberId, ReferralState> Referrals { get; } = [];

    public Dictionary<string, MemberId> ByQualifyingKey { get; } = new(StringComparer.Ordinal);

    public Dictionary<MemberId, string> Fingerprints { get; } = [];

    public Dictionary<string, int> ConversionsByFingerprint { get; } = new(StringComparer.Ordinal);

    public Dictionary<MemberId, List<DateTimeOffset>> RewardedAt { get; } = [];

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
