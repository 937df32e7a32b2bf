namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// All scoring state of one community, members interned to dense integers. Scores use forward decay: each
/// is stored relative to a reference time t0 (<c>w·e^{λ(t−t0)}</c>), so every score shrinks by the same
/// factor as time passes, ranks never change with the clock and nothing is rescanned. When the exponent
/// nears the range of a double, t0 is moved forward and every stored value is scaled once (order unchanged).
/// Mutated only by the projection, under <see cref="Sync"/>.
/// </summary>
internal sealed class CommunityScores(ScoringModel model, DateTimeOffset reference)
{
    private const double MaxExponent = 500;

    // The K-th place of the score board while the cohort is full: a member who does not beat it cannot
    // enter the cohort, so most updates skip the rank query.
    private int _kth = -1;
    private double _kthScore;

    public Lock Sync { get; } = new();

    public ScoringModel Model { get; } = model;

    public DateTimeOffset Reference { get; private set; } = reference;

    public Dictionary<MemberId, int> Index { get; } = [];

    public List<MemberId> Ids { get; } = [];

    /// <summary>Per member, what every event touches, packed in one 32-byte struct (one cache line per member).</summary>
    public MemberHot[] Hot { get; private set; } = new MemberHot[16];

    public List<double[]> ByType { get; } = [];

    public List<int[]> Counts { get; } = [];

    public List<DateTimeOffset> JoinedAt { get; } = [];

    public List<DateTimeOffset> LastActive { get; } = [];

    public List<int> Tier { get; } = [];

    public List<int> LockedTier { get; } = [];

    public List<DateTimeOffset?> GraceUntil { get; } = [];

    public List<int> TieCount { get; } = [];

    public Dictionary<string, int> Types { get; } = new(StringComparer.Ordinal);

    public List<string> TypeNames { get; } = [];

    public Dictionary<string, int> CityIndex { get; } = new(StringComparer.Ordinal);

    public List<string> Cities { get; } = [];

    public OrderStatisticTree ScoreBoard { get; } = new(1024);

    public Dictionary<int, OrderStatisticTree> CityBoards { get; } = [];

    public Dictionary<(LeaderboardKind Kind, DateOnly Period, int City), OrderStatisticTree> PointsBoards { get; } = [];

    public List<CohortChange> CohortHistory { get; } = [];

    public Dictionary<string, List<int>> Attendees { get; } = new(StringComparer.Ordinal);

    /// <summary>Tracked events, first attended first: the oldest is forgotten past <see cref="ScoringOptions.MaxTrackedEvents"/>.</summary>
    public Queue<string> EventOrder { get; } = new();

    public Dictionary<long, int> SharedEvents { get; } = [];

    public Dictionary<int, List<int>> Ties { get; } = [];

    public OrderStatisticTree Subjects { get; } = new(64);

    public Dictionary<string, int> SubjectIndex { get; } = new(StringComparer.Ordinal);

    public List<string> SubjectNames { get; } = [];

    public Dictionary<(int Member, int Tier), HashSet<int>> Endorsers { get; } = [];

    public Dictionary<(int Member, string Currency), decimal> Balances { get; } = [];

    public Dictionary<(long ActivityId, int Index), (DateTimeOffset At, decimal Amount)> LeaderboardAwards { get; } = [];

    /// <summary>The time of the activity being folded (for cohort history).</summary>
    public DateTimeOffset Now { get; set; }

    /// <summary>The factor that turns stored values into values at <paramref name="at"/>: e^{−λ(at−t0)}.</summary>
    public double DecayAt(DateTimeOffset at) => Math.Exp(-Model.Lambda * (at - Reference).TotalSeconds);

    public int Intern(MemberId member)
    {
        if (Index.TryGetValue(member, out var index))
        {
            return index;
        }

        index = Ids.Count;
        Index[member] = index;
        Ids.Add(member);
        if (index == Hot.Length)
        {
            var hot = Hot;
            Array.Resize(ref hot, Hot.Length * 2);
            Hot = hot;
        }

        Hot[index] = new MemberHot { Parent = -1, City = -1 };
        ByType.Add([]);
        Counts.Add([]);
        JoinedAt.Add(default);
        LastActive.Add(DateTimeOffset.MinValue);
        Tier.Add(0);
        LockedTier.Add(-1);
        GraceUntil.Add(null);
        TieCount.Add(0);
        return index;
    }

    public int InternType(string type)
    {
        if (!Types.TryGetValue(type, out var index))
        {
            index = TypeNames.Count;
            Types[type] = index;
            TypeNames.Add(type);
        }

        return index;
    }

    /// <summary>
    /// The hot path: a member earned <paramref name="weight"/> at <paramref name="at"/>. Updates their
    /// engagement, the network value of up to L ancestors, the score boards and the cohort. Allocates nothing
    /// once the member and type have been seen (arrays grow by doubling).
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
        var byType = Slot(ByType, member, type);
        byType[type] += x;
        Move(member, x);

        var networkWeight = Model.Options.NetworkWeight;
        var discounts = Model.Discounts;
        var ancestor = Hot[member].Parent;
        for (var level = 0; level < discounts.Length && ancestor >= 0; level++)
        {
            var y = x * discounts[level];
            Hot[ancestor].Network += y;
            Move(ancestor, networkWeight * y);
            ancestor = Hot[ancestor].Parent;
        }
    }

    /// <summary>Counts an activity of a type for a member (tier requirements count every activity).</summary>
    public void Count(int member, int type) => Slot(Counts, member, type)[type]++;

    public int CountOf(int member, string type) =>
        Types.TryGetValue(type, out var t) && Counts[member].Length > t ? Counts[member][t] : 0;

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

        if (previous >= 0)
        {
            CityBoards[previous].Remove(member);
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
            CityBoards[city] = board = new OrderStatisticTree();
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
                Attendees.Remove(EventOrder.Dequeue());
            }
        }

        if (attendees.Contains(member))
        {
            return;
        }

        foreach (var other in attendees)
        {
            var key = other < member ? ((long)other << 32) | (uint)member : ((long)member << 32) | (uint)other;
            var shared = SharedEvents.GetValueOrDefault(key) + 1;
            SharedEvents[key] = shared;
            if (shared == threshold)
            {
                TieCount[member]++;
                TieCount[other]++;
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
    /// Batch recompute: sets every member's network value exactly from the engagement of their descendants
    /// (one bottom-up sweep) and rebuilds the score boards. Incremental updates keep the same values; this is
    /// for changed network settings or a check.
    /// </summary>
    public void RecomputeNetwork()
    {
        var parents = new int[Ids.Count];
        var engagement = new double[Ids.Count];
        for (var m = 0; m < Ids.Count; m++)
        {
            parents[m] = Hot[m].Parent;
            engagement[m] = Hot[m].Engagement;
        }

        var exact = ForestInfluence.Descendants(parents, engagement, Model.Options.NetworkDiscount, Model.Options.NetworkLevels);
        for (var m = 0; m < Ids.Count; m++)
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
        for (var i = 0; i < Ids.Count; i++)
        {
            Hot[i].Engagement *= factor;
            Hot[i].Network *= factor;
            var byType = ByType[i];
            for (var t = 0; t < byType.Length; t++)
            {
                byType[t] *= factor;
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

    private T[] Slot<T>(List<T[]> arrays, int member, int type)
    {
        var array = arrays[member];
        if (array.Length <= type)
        {
            Array.Resize(ref array, Math.Max(TypeNames.Count, type + 1));
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
            CohortHistory.Add(new CohortChange(Ids[member], true, Now));
            if (ScoreBoard.Count > k)
            {
                var pushed = ScoreBoard.MemberAt(k, out _);
                if (Hot[pushed].InCohort)
                {
                    Hot[pushed].InCohort = false;
                    CohortHistory.Add(new CohortChange(Ids[pushed], false, Now));
                }
            }

            RefreshKth();
        }
    }

    private void RefreshKth()
    {
        var k = Model.Options.CohortSize;
        _kth = ScoreBoard.Count >= k ? ScoreBoard.MemberAt(k - 1, out _kthScore) : -1;
    }

    /// <summary>Makes the cohort the board's top K again, recording who joined and left (after a batch recompute).</summary>
    private void RebuildCohort()
    {
        var top = new HashSet<int>();
        for (var rank = 0; rank < Math.Min(Model.Options.CohortSize, ScoreBoard.Count); rank++)
        {
            top.Add(ScoreBoard.MemberAt(rank, out _));
        }

        for (var m = 0; m < Ids.Count; m++)
        {
            if (Hot[m].InCohort && !top.Contains(m))
            {
                Hot[m].InCohort = false;
                CohortHistory.Add(new CohortChange(Ids[m], false, Now));
            }
        }

        foreach (var joined in top.Where(m => !Hot[m].InCohort).ToArray())
        {
            Hot[joined].InCohort = true;
            CohortHistory.Add(new CohortChange(Ids[joined], true, Now));
        }

        RefreshKth();
    }
}

/// <summary>The per-member fields every event reads or writes.</summary>
internal struct MemberHot
{
    public double Engagement;
    public double Network;
    public int Parent;
    public int City;
    public bool InCohort;
}
