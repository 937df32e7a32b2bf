using CommunitySdk.Collections;
using CommunitySdk.Points;
using CommunitySdk.Projections;
using CommunitySdk.Referrals;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Folds committed activities into each community's <see cref="CommunityScores"/>.</summary>
internal sealed class ScoringProjection(ScoringModel model, ICommunityCalendar calendar, IServiceProvider services) : CommunityProjection<CommunityScores>
{
    private string? _leaderboardCurrency;
    private bool _currencyResolved;

    public override string Name => "scoring";

    public override bool SupportsSnapshots => true;

    public override string RulesFingerprint => $"{model.Fingerprint};{LeaderboardCurrency}";

    /// <summary>The currency the points boards rank (resolved on first use: other features register it).</summary>
    public string? LeaderboardCurrency
    {
        get
        {
            if (!_currencyResolved)
            {
                _leaderboardCurrency = model.Options.LeaderboardCurrency
                    ?? ((IPointsAwarder?)services.GetService(typeof(IPointsAwarder)))?.Currencies.FirstOrDefault();
                _currencyResolved = true;
            }

            return _leaderboardCurrency;
        }
    }

    /// <summary>The first day of the window of <paramref name="kind"/> holding <paramref name="at"/>, in the community's calendar.</summary>
    public DateOnly Period(CommunityId community, LeaderboardKind kind, DateTimeOffset at)
    {
        var day = calendar.LocalDate(community, at);
        return kind switch
        {
            LeaderboardKind.PointsWeek => calendar.PeriodStart(community, CalendarPeriod.Week, day),
            LeaderboardKind.PointsMonth => calendar.PeriodStart(community, CalendarPeriod.Month, day),
            _ => day,
        };
    }

    protected override CommunityScores Create(CommunityId community, CommunityMembers members)
    {
        var scores = new CommunityScores(model, members, default);
        scores.InitializeDefaults();
        return scores;
    }

    protected override void Apply(CommunityScores s, CommittedActivity committed, CommunityMembers members)
    {
        var activity = committed.Activity;
        if (s.Reference == default)
        {
            s.Reference = committed.EffectiveTime;
        }

        s.EnsureCapacity(members.Count);
        s.Now = committed.EffectiveTime;
        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            Apply(s, activity.Community, members, e);
        }

        var member = members.IndexOf(activity.Member);
        if (committed.EffectiveTime > s.Hot[member].LastActive)
        {
            s.Hot[member].LastActive = committed.EffectiveTime;
        }

        if (model.IsCommand(activity.Type))
        {
            return;
        }

        s.Count(member, members.TypeIndex(activity.Type));
        if (!model.Windows.IsEmpty)
        {
            s.CountForTiers(member, activity, s.LocalDay(committed.EffectiveTime, calendar));
        }

        var options = model.Options;
        if (activity.Type == options.AttendanceActivityType && activity.GetAttribute(options.EventAttribute) is { Length: > 0 } eventId)
        {
            s.Attend(member, eventId, options.StrongTieThreshold);
        }

        if (activity.GetAttribute(options.SubjectAttribute) is { Length: > 0 } subject)
        {
            s.HotSubject(subject, Math.Max(model.WeightOf(activity), 0), committed.EffectiveTime);
        }
    }

    private void Apply(CommunityScores s, CommunityId community, CommunityMembers members, CommunityEvent e)
    {
        switch (e)
        {
            case MemberJoined joined:
                s.SetCity(members.IndexOf(joined.Member), joined.Profile.GetValueOrDefault(ProfileKeys.City));
                break;
            case MemberProfileUpdated updated when updated.Changes.TryGetValue(ProfileKeys.City, out var city):
                s.SetCity(members.IndexOf(updated.Member), city);
                break;
            case ScoreChanged score:
                s.Record(members.IndexOf(score.Member), members.TypeIndex(score.ActivityType), score.Weight, score.OccurredAt);
                break;
            case PointsLedgerEvent ledger:
                var owner = members.IndexOf(ledger.Member);
                var tierCurrency = Array.IndexOf(model.TierCurrencies, ledger.Currency);
                if (tierCurrency >= 0)
                {
                    s.Balances[tierCurrency][owner] += ledger.Amount;
                }

                if (ledger.Currency == LeaderboardCurrency)
                {
                    Earned(s, community, owner, ledger);
                }

                break;
            case TierChanged changed:
                var member = members.IndexOf(changed.Member);
                var to = model.TierIndex.GetValueOrDefault(changed.To);
                if (to > s.Tiers[member].Tier)
                {
                    s.Tiers[member].PromotedAt = changed.OccurredAt;
                }

                s.Tiers[member].Tier = to;
                s.Tiers[member].GraceUntil = null;
                break;
            case MemberSuspended suspended:
                s.Tiers[members.IndexOf(suspended.Member)].SuspendedUntil = suspended.Until;
                break;
            case TierGraceStarted grace:
                s.Tiers[members.IndexOf(grace.Member)].GraceUntil = grace.Until;
                break;
            case TierGraceCleared cleared:
                s.Tiers[members.IndexOf(cleared.Member)].GraceUntil = null;
                break;
            case TierEndorsed endorsed:
                var key = (members.IndexOf(endorsed.Member), model.TierIndex[endorsed.Tier]);
                if (!s.Endorsers.TryGetValue(key, out var endorsers))
                {
                    s.Endorsers[key] = endorsers = [];
                }

                endorsers.Add(members.IndexOf(endorsed.Endorser));
                break;
            case TierLocked locked:
                s.Tiers[members.IndexOf(locked.Member)].Locked = locked.Tier is null ? -1 : model.TierIndex[locked.Tier];
                break;
        }
    }

    /// <summary>
    /// Points earned feed the day/week/month boards of the window they count in (a re-credit: the window whose cap room
    /// it used); a reversal takes them back from the window the award counted in.
    /// </summary>
    private void Earned(CommunityScores s, CommunityId community, int member, PointsLedgerEvent ledger)
    {
        var (at, amount) = ledger switch
        {
            PointsAwarded award => (award.CountsAt ?? award.OccurredAt, award.Amount),
            PointsReversed reversed => (reversed.AwardCountedAt ?? reversed.OccurredAt, reversed.Amount - reversed.Unrecovered),
            _ => (default, 0m),
        };
        if (amount == 0)
        {
            return;
        }

        foreach (var kind in (ReadOnlySpan<LeaderboardKind>)[LeaderboardKind.PointsDay, LeaderboardKind.PointsWeek, LeaderboardKind.PointsMonth])
        {
            var period = Period(community, kind, at);
            var create = amount > 0;
            s.PointsBoard(kind, period, -1, create)?.Add(member, (double)amount);
            if (s.Hot[member].City >= 0)
            {
                s.PointsBoard(kind, period, s.Hot[member].City, create)?.Add(member, (double)amount);
            }
        }
    }

    protected override void Write(CommunityScores s, SnapshotWriter w)
    {
        w.Write(s.Reference);
        w.Write(s.Cities.Count);
        s.Cities.ForEach(w.Write);
        var count = s.Members.Count;
        w.Write(count);
        for (var m = 0; m < count; m++)
        {
            ref var hot = ref s.Hot[m];
            w.Write(hot.Engagement);
            w.Write(hot.Network);
            w.Write(hot.LastActive);
            w.Write(hot.City);
            w.Write(hot.TieCount);
            w.Write(hot.InCohort);
            ref var tier = ref s.Tiers[m];
            w.Write(tier.Tier);
            w.Write(tier.Locked);
            w.Write(tier.GraceUntil);
            w.Write(tier.PromotedAt);
            w.Write(tier.SuspendedUntil);
            WriteWindows(w, s.Windows[m]);
            WriteArray(w, s.ByType[m], w.Write);
            WriteArray(w, s.Counts[m], w.Write);
            foreach (var balances in s.Balances)
            {
                w.Write(balances[m]);
            }
        }

        WriteBoard(w, s.ScoreBoard);
        w.Write(s.PointsBoards.Count);
        foreach (var ((kind, period, city), board) in s.PointsBoards)
        {
            w.Write((int)kind);
            w.Write(period);
            w.Write(city);
            WriteBoard(w, board);
        }

        w.Write(s.CurrentPeriods.Count);
        foreach (var (kind, period) in s.CurrentPeriods)
        {
            w.Write((int)kind);
            w.Write(period);
        }

        w.Write(s.CohortHistory.Count);
        foreach (var change in s.CohortHistory)
        {
            w.Write(change.Member.Value);
            w.Write(change.Joined);
            w.Write(change.At);
        }

        w.Write(s.EventOrder.Count);
        foreach (var eventId in s.EventOrder)
        {
            w.Write(eventId);
            var attendees = s.Attendees[eventId];
            w.Write(attendees.Count);
            attendees.ForEach(w.Write);
        }

        w.Write(s.SharedEvents.Count);
        foreach (var (pair, shared) in s.SharedEvents)
        {
            w.Write(pair);
            w.Write(shared);
        }

        w.Write(s.Ties.Count);
        foreach (var (member, ties) in s.Ties)
        {
            w.Write(member);
            w.Write(ties.Count);
            ties.ForEach(w.Write);
        }

        w.Write(s.SubjectNames.Count);
        for (var i = 0; i < s.SubjectNames.Count; i++)
        {
            w.Write(s.SubjectNames[i]);
            w.Write(s.SubjectIndex.TryGetValue(s.SubjectNames[i], out var index) && index == i && s.Subjects.Contains(i));
            w.Write(s.Subjects.ScoreOf(i));
        }

        w.Write(s.Endorsers.Count);
        foreach (var ((member, tier), endorsers) in s.Endorsers)
        {
            w.Write(member);
            w.Write(tier);
            w.Write(endorsers.Count);
            foreach (var endorser in endorsers)
            {
                w.Write(endorser);
            }
        }
    }

    protected override CommunityScores Read(CommunityId community, CommunityMembers members, SnapshotReader r)
    {
        var s = new CommunityScores(model, members, r.ReadDateTimeOffset());
        s.InitializeDefaults();
        for (var c = r.ReadInt32(); c > 0; c--)
        {
            var city = r.ReadString();
            s.CityIndex[city] = s.Cities.Count;
            s.Cities.Add(city);
        }

        var count = r.ReadInt32();
        s.EnsureCapacity(count);
        for (var m = 0; m < count; m++)
        {
            s.Hot[m] = new MemberHot
            {
                Engagement = r.ReadDouble(),
                Network = r.ReadDouble(),
                LastActive = r.ReadDateTimeOffset(),
                City = r.ReadInt32(),
                TieCount = r.ReadInt32(),
                InCohort = r.ReadBoolean(),
            };
            s.Tiers[m] = new MemberTier
            {
                Tier = r.ReadInt32(), Locked = r.ReadInt32(), GraceUntil = r.ReadNullableDateTimeOffset(),
                PromotedAt = r.ReadDateTimeOffset(), SuspendedUntil = r.ReadNullableDateTimeOffset(),
            };
            s.Windows[m] = ReadWindows(r);
            s.ByType[m] = ReadArray(r, r.ReadDouble);
            s.Counts[m] = ReadArray(r, r.ReadInt32);
            foreach (var balances in s.Balances)
            {
                balances[m] = r.ReadDecimal();
            }
        }

        foreach (var (member, score) in ReadBoard(r))
        {
            s.ScoreBoard.Set(member, score);
            if (s.Hot[member].City >= 0)
            {
                s.CityBoard(s.Hot[member].City).Set(member, score); // a city board is the score board's members of that city
            }
        }

        for (var b = r.ReadInt32(); b > 0; b--)
        {
            var key = ((LeaderboardKind)r.ReadInt32(), r.ReadDateOnly(), r.ReadInt32());
            var board = new OrderStatisticTree(sparse: true);
            foreach (var (member, score) in ReadBoard(r))
            {
                board.Set(member, score);
            }

            s.PointsBoards[key] = board;
        }

        for (var p = r.ReadInt32(); p > 0; p--)
        {
            s.CurrentPeriods[(LeaderboardKind)r.ReadInt32()] = r.ReadDateOnly();
        }

        for (var h = r.ReadInt32(); h > 0; h--)
        {
            s.CohortHistory.Enqueue(new CohortChange(new MemberId(r.ReadString()), r.ReadBoolean(), r.ReadDateTimeOffset()));
        }

        for (var e = r.ReadInt32(); e > 0; e--)
        {
            var eventId = r.ReadString();
            var attendees = new List<int>();
            for (var a = r.ReadInt32(); a > 0; a--)
            {
                attendees.Add(r.ReadInt32());
            }

            s.EventOrder.Enqueue(eventId);
            s.Attendees[eventId] = attendees;
        }

        for (var p = r.ReadInt32(); p > 0; p--)
        {
            s.SharedEvents[r.ReadInt64()] = r.ReadInt32();
        }

        for (var t = r.ReadInt32(); t > 0; t--)
        {
            var member = r.ReadInt32();
            var ties = new List<int>();
            for (var n = r.ReadInt32(); n > 0; n--)
            {
                ties.Add(r.ReadInt32());
            }

            s.Ties[member] = ties;
        }

        var subjects = r.ReadInt32();
        for (var i = 0; i < subjects; i++)
        {
            var name = r.ReadString();
            var live = r.ReadBoolean();
            var score = r.ReadDouble();
            s.SubjectNames.Add(name);
            if (live)
            {
                s.SubjectIndex[name] = i;
                s.Subjects.Set(i, score);
            }
        }

        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var key = (r.ReadInt32(), r.ReadInt32());
            var endorsers = new HashSet<int>();
            for (var e = r.ReadInt32(); e > 0; e--)
            {
                endorsers.Add(r.ReadInt32());
            }

            s.Endorsers[key] = endorsers;
        }

        s.RefreshKth();
        return s;
    }

    private static void WriteWindows(SnapshotWriter w, MemberWindows? windows)
    {
        w.Write(windows is null ? -1 : windows.Count);
        if (windows is null)
        {
            return;
        }

        var channels = windows.Lifetime.Length;
        for (var e = 0; e < windows.Count; e++)
        {
            w.Write(windows.Days[e]);
            for (var c = 0; c < channels; c++)
            {
                w.Write(windows.ValueAt(e, c));
            }
        }

        for (var c = 0; c < channels; c++)
        {
            w.Write(windows.Lifetime[c]);
            w.Write(windows.LifetimeDays[c]);
        }

        w.Write(windows.Newest);
        foreach (var set in windows.Sets)
        {
            w.Write(set?.Count ?? 0);
            foreach (var (key, last) in set ?? [])
            {
                w.Write((long)key);
                w.Write(last);
            }
        }
    }

    private MemberWindows? ReadWindows(SnapshotReader r)
    {
        var count = r.ReadInt32();
        if (count < 0)
        {
            return null;
        }

        var windows = new MemberWindows(model.Windows);
        var channels = model.Windows.Channels;
        for (var e = 0; e < count; e++)
        {
            var day = r.ReadInt32();
            for (var c = 0; c < channels; c++)
            {
                windows.Restore(e, day, c, r.ReadDouble());
            }
        }

        windows.Count = count;
        for (var c = 0; c < channels; c++)
        {
            windows.Lifetime[c] = r.ReadDouble();
            windows.LifetimeDays[c] = r.ReadInt32();
        }

        windows.Newest = r.ReadInt32();
        for (var set = 0; set < windows.Sets.Length; set++)
        {
            var keys = r.ReadInt32();
            if (keys > 0)
            {
                var map = windows.Sets[set] = new Dictionary<ulong, int>(keys);
                for (var k = 0; k < keys; k++)
                {
                    map[(ulong)r.ReadInt64()] = r.ReadInt32();
                }
            }
        }

        return windows;
    }

    private static void WriteBoard(SnapshotWriter w, OrderStatisticTree board)
    {
        w.Write(board.Count);
        foreach (var (member, score) in board.Entries())
        {
            w.Write(member);
            w.Write(score);
        }
    }

    private static List<(int Member, double Score)> ReadBoard(SnapshotReader r)
    {
        var entries = new List<(int, double)>(r.ReadInt32());
        for (var i = entries.Capacity; i > 0; i--)
        {
            entries.Add((r.ReadInt32(), r.ReadDouble()));
        }

        return entries;
    }

    private static void WriteArray<T>(SnapshotWriter w, T[]? values, Action<T> write)
    {
        w.Write(values?.Length ?? -1);
        foreach (var value in values ?? [])
        {
            write(value);
        }
    }

    private static T[]? ReadArray<T>(SnapshotReader r, Func<T> read)
    {
        var length = r.ReadInt32();
        if (length < 0)
        {
            return null;
        }

        var values = new T[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = read();
        }

        return values;
    }
}
