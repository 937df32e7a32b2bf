using CommunitySdk.Collections;
namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// All scoring state of one community, per member by the core's dense member index (<see cref="CommunityMembers"/>:
/// one interner, one invite forest for every feature). Scores use forward decay: each is stored relative to a
/// reference time t0 (<c>w·e^{λ(t−t0)}</c>), so every score shrinks by the same factor as time passes, ranks never
/// change with the clock and nothing is rescanned. When the exponent nears the range of a double, t0 is moved
/// forward and every stored value is scaled once (order unchanged). Bounded by members: points boards are kept for
/// the current and the previous period, cohort history and tracked events have limits. Mutated only by the fold.
/// </summary>
internal sealed class CommunityScores(ScoringModel model, CommunityMembers members, DateTimeOffset reference)
{
    private const double MaxExponent = 500;

    // The K-th place of the score board while the cohort is full: a member who does not beat it cannot
    // enter the cohort, so most updates skip the rank query.
    private int _kth = -1;
    private DayCache? _day;
    private double _kthScore;

    public ScoringModel Model { get; } = model;

    public CommunityMembers Members { get; } = members;

    public DateTimeOffset Reference { get; set; } = reference;

    /// <summary>Per member, what every event touches, packed in one struct (one cache line per member).</summary>
    public MemberHot[] Hot { get; private set; } = new MemberHot[16];

    /// <summary>Decayed engagement per activity type (by the core's type index), per member; null until they earn some.</summary>
    public double[]?[] ByType { get; private set; } = new double[]?[16];

    /// <summary>Activities per type (by the core's type index), per member, for tier requirements.</summary>
    public int[]?[] Counts { get; private set; } = new int[]?[16];

    public MemberTier[] Tiers { get; private set; } = new MemberTier[16];

    /// <summary>Per member, the daily counters tier requirements read; null until the member has a counted activity.</summary>
    public MemberWindows?[] Windows { get; private set; } = new MemberWindows?[16];

    /// <summary>Balance per member in each currency a tier requires (in <see cref="ScoringModel.TierCurrencies"/> order).</summary>
    public decimal[][] Balances { get; private set; } = [];

    public int Capacity => Hot.Length;

    public Dictionary<string, int> CityIndex { get; } = new(StringComparer.Ordinal);

    public List<string> Cities { get; } = [];

    public OrderStatisticTree ScoreBoard { get; } = new(1024);

    public Dictionary<int, OrderStatisticTree> CityBoards { get; } = [];

    /// <summary>Points boards of the current and the previous period of each kind (and city).</summary>
    public Dictionary<(LeaderboardKind Kind, DateOnly Period, int City), OrderStatisticTree> PointsBoards { get; } = [];

    /// <summary>The newest period seen per points board kind (older than its predecessor are dropped).</summary>
    public Dictionary<LeaderboardKind, DateOnly> CurrentPeriods { get; } = [];

    /// <summary>The latest cohort changes, oldest first, at most <see cref="ScoringOptions.MaxCohortHistory"/>.</summary>
    public Queue<CohortChange> CohortHistory { get; } = new();

    public Dictionary<string, List<int>> Attendees { get; } = new(StringComparer.Ordinal);

    /// <summary>Tracked events, first attended first: the oldest is forgotten past <see cref="ScoringOptions.MaxTrackedEvents"/>.</summary>
    public Queue<string> EventOrder { get; } = new();

    public Dictionary<long, int> SharedEvents { get; } = [];

    public Dictionary<int, List<int>> Ties { get; } = [];

    public OrderStatisticTree Subjects { get; } = new(64);

    public Dictionary<string, int> SubjectIndex { get; } = new(StringComparer.Ordinal);

    public List<string> SubjectNames { get; } = [];

    public Dictionary<(int Member, int Tier), HashSet<int>> Endorsers { get; } = [];

    /// <summary>The time of the activity being folded (for cohort history).</summary>
    public DateTimeOffset Now { get; set; }

    /// <summary>The factor that turns stored values into values at <paramref name="at"/>: e^{−λ(at−t0)}.</summary>
    public double DecayAt(DateTimeOffset at) => Math.Exp(-Model.Lambda * (at - Reference).TotalSeconds);

    /// <summary>Makes room for every member the core interned (the fold calls it before touching a member).</summary>
    public void EnsureCapacity(int count)
    {
        if (count <= Hot.Length)
        {
            return;
        }

        var size = Math.Max(count, Hot.Length * 2);
        var old = Hot.Length;
        var hot = Hot;
        Array.Resize(ref hot, size);
        for (var i = old; i < size; i++)
        {
            hot[i] = new MemberHot { City = -1 };
        }

        Hot = hot;
        var byType = ByType;
        Array.Resize(ref byType, size);
        ByType = byType;
        var counts = Counts;
        Array.Resize(ref counts, size);
        Counts = counts;
        var tiers = Tiers;
        Array.Resize(ref tiers, size);
        for (var i = old; i < size; i++)
        {
            tiers[i] = new MemberTier { Locked = -1 };
        }

        Tiers = tiers;
        var windows = Windows;
        Array.Resize(ref windows, size);
        Windows = windows;
        for (var c = 0; c < Balances.Length; c++)
        {
            var balances = Balances[c];
            Array.Resize(ref balances, size);
            Balances[c] = balances;
        }
    }

    public void InitializeDefaults()
    {
        for (var i = 0; i < Hot.Length; i++)
        {
            Hot[i] = new MemberHot { City = -1 };
            Tiers[i] = new MemberTier { Locked = -1 };
        }

        Balances = Model.TierCurrencies.Select(_ => new decimal[Hot.Length]).ToArray();
    }

    /// <summary>
    /// The hot path: a member earned <paramref name="weight"/> at <paramref name="at"/>. Updates their engagement, the
    /// network value of up to L inviters above them (the core's forest), the score boards and the cohort. Allocates
    /// nothing once the member's type slot exists.
    /// </summary>
    public void Record(int member, int type, double weight, DateTimeOffset at)
    {
        var exponent = Model.Lambda * (at - Reference).TotalSeconds;
        if (exponent > MaxExponent)
        {
            Rebase(at);
            exponent = 0;
        }

        var x = weight * Math.Exp(exponent);
        Hot[member].Engagement += x;
        Slot(ByType, member, type)[type] += x;
        Move(member, x);

        var networkWeight = Model.Options.NetworkWeight;
        var discounts = Model.Discounts;
        var ancestor = Members.Parent(member);
        for (var level = 0; level < discounts.Length && ancestor >= 0; level++)
        {
            var y = x * discounts[level];
            Hot[ancestor].Network += y;
            Move(ancestor, networkWeight * y);
            ancestor = Members.Parent(ancestor);
        }
    }

    /// <summary>
    /// The local day number (<see cref="DateOnly.DayNumber"/>) of an instant in the community's time zone. Every UTC
    /// offset and transition falls on a quarter hour, so the day is cached per UTC quarter hour (one immutable
    /// object, swapped whole: readers on other threads never see half of it).
    /// </summary>
    public int LocalDay(DateTimeOffset at, ICommunityCalendar calendar)
    {
        var quarter = at.UtcTicks / (TimeSpan.TicksPerMinute * 15);
        if (_day is { } cached && cached.Quarter == quarter)
        {
            return cached.Day;
        }

        var day = calendar.LocalDate(Members.Community, at).DayNumber;
        _day = new DayCache(quarter, day);
        return day;
    }

    /// <summary>
    /// Feeds the tier counters: the activity counts as given for its member and, when it names another joined member in
    /// the target attribute, as received for them (never interned from an attribute: unknown ids are ignored).
    /// </summary>
    public void CountForTiers(int member, Activity activity, int day)
    {
        var windows = Model.Windows;
        var maxWindow = windows.MaxWindow;
        var type = activity.Type;
        var targetIndex = TargetOf(activity);

        if (windows.GivenByType.TryGetValue(type, out var given))
        {
            AddTo(member, given, activity, day, maxWindow);
        }

        if (windows.GivenAny.Length > 0)
        {
            AddTo(member, windows.GivenAny, activity, day, maxWindow);
        }

        if (targetIndex >= 0 && windows.ReceivedByType.TryGetValue(type, out var received))
        {
            AddTo(targetIndex, received, activity, day, maxWindow);
        }

        if (windows.SetsByType.TryGetValue(type, out var sets))
        {
            foreach (var (set, isReceived, attribute) in sets)
            {
                var owner = isReceived ? targetIndex : member;
                if (owner >= 0 && TierWindowModel.SetKey(activity, attribute, isReceived, Model.Options.TargetAttribute) is { } key)
                {
                    WindowsOf(owner).See(set, TierWindowModel.Key(key), day, maxWindow);
                }
            }
        }
    }

    /// <summary>
    /// The index of the member an activity names in the target attribute, when that is an existing, joined member
    /// other than the actor; -1 otherwise (an unknown id is never interned from an attribute).
    /// </summary>
    public int TargetOf(Activity activity) =>
        activity.GetAttribute(Model.Options.TargetAttribute) is { Length: > 0 } target && target != activity.Member.Value
        && Members.IndexOf(new MemberId(target)) is var t and >= 0 && t < Capacity && Members.IsJoined(t)
            ? t
            : -1;

    private void AddTo(int member, int[] channels, Activity activity, int day, int maxWindow)
    {
        var windows = WindowsOf(member);
        var value = (double)(activity.Value ?? 0);
        foreach (var channel in channels)
        {
            windows.Add(channel, day, Model.Windows.ChannelIsValue[channel] ? value : 1, maxWindow);
        }
    }

    private MemberWindows WindowsOf(int member) => Windows[member] ??= new MemberWindows(Model.Windows);

    /// <summary>Counts an activity of a type for a member (tier requirements count every activity).</summary>
    public void Count(int member, int type) => Slot(Counts, member, type)[type]++;

    public int CountOf(int member, string type) =>
        member >= 0 && Members.TypeIndex(type) is var t and >= 0 && Counts[member] is { } counts && counts.Length > t ? counts[t] : 0;

    public void SetCity(int member, string? city)
    {
        var next = -1;
        if (!string.IsNullOrEmpty(city) && !CityIndex.TryGetValue(city, out next))
        {
            next = Cities.Count;
            CityIndex[city] = next;
            Cities.Add(city);
        }

        var previous = Hot[member].City;
        if (previous == next)
        {
            return;
        }

        if (previous >= 0 && CityBoards.TryGetValue(previous, out var left))
        {
            left.Remove(member); // a member without a score yet is on no city board
        }

        Hot[member].City = next;
        if (next >= 0 && ScoreBoard.Contains(member))
        {
            CityBoard(next).Set(member, ScoreBoard.ScoreOf(member));
        }
    }

    public OrderStatisticTree CityBoard(int city)
    {
        if (!CityBoards.TryGetValue(city, out var board))
        {
            CityBoards[city] = board = new OrderStatisticTree(sparse: true);
        }

        return board;
    }

    /// <summary>Counts the events a member shares with every other attendee; at the threshold both are strongly tied.</summary>
    public void Attend(int member, string eventId, int threshold)
    {
        if (!Attendees.TryGetValue(eventId, out var attendees))
        {
            Attendees[eventId] = attendees = [];
            EventOrder.Enqueue(eventId);
            while (Attendees.Count > Model.Options.MaxTrackedEvents)
            {
                Forget(EventOrder.Dequeue());
            }
        }

        if (attendees.Contains(member))
        {
            return;
        }

        foreach (var other in attendees)
        {
            var key = PairKey(member, other);
            var shared = SharedEvents.GetValueOrDefault(key) + 1;
            SharedEvents[key] = shared;
            if (shared == threshold)
            {
                Hot[member].TieCount++;
                Hot[other].TieCount++;
                AddTie(member, other);
                AddTie(other, member);
            }
        }

        attendees.Add(member);
    }

    public void HotSubject(string subject, double weight, DateTimeOffset at)
    {
        if (!SubjectIndex.TryGetValue(subject, out var index))
        {
            if (SubjectIndex.Count >= Model.Options.MaxHotSubjects)
            {
                // Full: the new subject takes the coldest one's place (and slot).
                index = Subjects.MemberAt(Subjects.Count - 1, out _);
                Subjects.Remove(index);
                SubjectIndex.Remove(SubjectNames[index]);
                SubjectNames[index] = subject;
            }
            else
            {
                index = SubjectNames.Count;
                SubjectNames.Add(subject);
            }

            SubjectIndex[subject] = index;
        }

        Subjects.Add(index, weight * Math.Exp(Model.Lambda * (at - Reference).TotalSeconds));
    }

    /// <summary>
    /// The points board of a kind, period and city (-1 for all). A newer period drops the boards older than the one
    /// before it, so at most two periods of each kind are kept. <see langword="null"/> for a dropped period, or for a
    /// board that does not exist when <paramref name="create"/> is off.
    /// </summary>
    public OrderStatisticTree? PointsBoard(LeaderboardKind kind, DateOnly period, int city, bool create)
    {
        if (PointsBoards.TryGetValue((kind, period, city), out var board))
        {
            return board;
        }

        if (!create)
        {
            return null;
        }

        if (CurrentPeriods.TryGetValue(kind, out var current))
        {
            if (period < current)
            {
                return null; // an earlier period than the newest is never started again
            }

            if (period > current)
            {
                DropBoardsBefore(kind, current);
            }
        }

        if (!CurrentPeriods.TryGetValue(kind, out current) || period > current)
        {
            CurrentPeriods[kind] = period;
        }

        PointsBoards[(kind, period, city)] = board = new OrderStatisticTree(sparse: true);
        return board;
    }

    private void DropBoardsBefore(LeaderboardKind kind, DateOnly period)
    {
        foreach (var key in PointsBoards.Keys.Where(k => k.Kind == kind && k.Period < period).ToArray())
        {
            PointsBoards.Remove(key);
        }
    }

    /// <summary>
    /// Batch recompute: sets every member's network value exactly from the engagement of their descendants (one
    /// bottom-up sweep) and rebuilds the score boards. Incremental updates keep the same values; this is for
    /// changed network settings or a check.
    /// </summary>
    public void RecomputeNetwork()
    {
        var count = Members.Count;
        var parents = new int[count];
        var engagement = new double[count];
        for (var m = 0; m < count; m++)
        {
            parents[m] = Members.Parent(m);
            engagement[m] = Hot[m].Engagement;
        }

        var exact = ForestInfluence.Descendants(parents, engagement, Model.Options.NetworkDiscount, Model.Options.NetworkLevels);
        for (var m = 0; m < count; m++)
        {
            Hot[m].Network = exact[m];
            var score = Hot[m].Engagement + (Model.Options.NetworkWeight * exact[m]);
            if (ScoreBoard.Contains(m) || score != 0)
            {
                ScoreBoard.Set(m, score);
                if (Hot[m].City >= 0)
                {
                    CityBoard(Hot[m].City).Set(m, score);
                }
            }
        }

        RebuildCohort();
    }

    /// <summary>Moves t0 to <paramref name="at"/> and scales every stored decaying value; ranks are unchanged.</summary>
    internal void Rebase(DateTimeOffset at)
    {
        var factor = DecayAt(at);
        Reference = at;
        for (var i = 0; i < Hot.Length; i++)
        {
            Hot[i].Engagement *= factor;
            Hot[i].Network *= factor;
            if (ByType[i] is { } byType)
            {
                for (var t = 0; t < byType.Length; t++)
                {
                    byType[t] *= factor;
                }
            }
        }

        ScoreBoard.Scale(factor);
        foreach (var board in CityBoards.Values)
        {
            board.Scale(factor);
        }

        Subjects.Scale(factor);
        RefreshKth();
    }

    /// <summary>After a snapshot is read: the cohort threshold is derived state.</summary>
    internal void RefreshKth()
    {
        var k = Model.Options.CohortSize;
        _kth = ScoreBoard.Count >= k ? ScoreBoard.MemberAt(k - 1, out _kthScore) : -1;
    }

    internal static long PairKey(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;

    /// <summary>Stops tracking an event: its pairs' shared counts drop by one (ties already formed stay).</summary>
    private void Forget(string eventId)
    {
        if (!Attendees.Remove(eventId, out var attendees))
        {
            return;
        }

        for (var i = 0; i < attendees.Count; i++)
        {
            for (var j = i + 1; j < attendees.Count; j++)
            {
                var key = PairKey(attendees[i], attendees[j]);
                if (SharedEvents.TryGetValue(key, out var shared))
                {
                    if (shared <= 1)
                    {
                        SharedEvents.Remove(key);
                    }
                    else
                    {
                        SharedEvents[key] = shared - 1;
                    }
                }
            }
        }
    }

    private T[] Slot<T>(T[]?[] arrays, int member, int type)
    {
        var array = arrays[member];
        if (array is null || array.Length <= type)
        {
            Array.Resize(ref array, Math.Max(Members.TypeCount, type + 1));
            arrays[member] = array;
        }

        return array;
    }

    private void AddTie(int member, int other)
    {
        if (!Ties.TryGetValue(member, out var list))
        {
            Ties[member] = list = [];
        }

        list.Add(other);
    }

    private void AddCohortChange(int member, bool joined)
    {
        CohortHistory.Enqueue(new CohortChange(Members.IdOf(member), joined, Now));
        while (CohortHistory.Count > Model.Options.MaxCohortHistory)
        {
            CohortHistory.Dequeue();
        }
    }

    private void Move(int member, double delta)
    {
        ScoreBoard.Add(member, delta);
        var city = Hot[member].City;
        if (city >= 0)
        {
            CityBoard(city).Add(member, delta);
        }

        // Scores only grow, so only this member can enter the top K, pushing out whoever is now K+1st.
        if (Hot[member].InCohort)
        {
            if (member == _kth)
            {
                RefreshKth();
            }

            return;
        }

        if (_kth >= 0)
        {
            var score = ScoreBoard.ScoreOf(member);
            if (score < _kthScore || (score == _kthScore && member > _kth))
            {
                return;
            }
        }

        var k = Model.Options.CohortSize;
        if (ScoreBoard.RankOf(member) < k)
        {
            Hot[member].InCohort = true;
            AddCohortChange(member, joined: true);
            if (ScoreBoard.Count > k)
            {
                var pushed = ScoreBoard.MemberAt(k, out _);
                if (Hot[pushed].InCohort)
                {
                    Hot[pushed].InCohort = false;
                    AddCohortChange(pushed, joined: false);
                }
            }

            RefreshKth();
        }
    }

    /// <summary>Makes the cohort the board's top K again, recording who joined and left (after a batch recompute).</summary>
    private void RebuildCohort()
    {
        var top = new HashSet<int>();
        for (var rank = 0; rank < Math.Min(Model.Options.CohortSize, ScoreBoard.Count); rank++)
        {
            top.Add(ScoreBoard.MemberAt(rank, out _));
        }

        for (var m = 0; m < Members.Count; m++)
        {
            if (Hot[m].InCohort && !top.Contains(m))
            {
                Hot[m].InCohort = false;
                AddCohortChange(m, joined: false);
            }
        }

        foreach (var joined in top.Where(m => !Hot[m].InCohort).ToArray())
        {
            Hot[joined].InCohort = true;
            AddCohortChange(joined, joined: true);
        }

        RefreshKth();
    }
}

/// <summary>The per-member fields every event reads or writes.</summary>
internal struct MemberHot
{
    public double Engagement;
    public double Network;
    public DateTimeOffset LastActive;
    public int City;
    public int TieCount;
    public bool InCohort;
}

/// <summary>A member's tier state.</summary>
internal struct MemberTier
{
    public int Tier;
    public int Locked;
    public DateTimeOffset? GraceUntil;

    /// <summary>When the member was last promoted (the post-promotion protection runs from here).</summary>
    public DateTimeOffset PromotedAt;

    /// <summary>The end of a suspension (no promotion before it).</summary>
    public DateTimeOffset? SuspendedUntil;
}

/// <summary>The local day of one UTC quarter hour.</summary>
internal sealed record DayCache(long Quarter, int Day);
