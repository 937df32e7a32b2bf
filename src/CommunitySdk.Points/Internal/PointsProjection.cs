using CommunitySdk.Projections;

namespace CommunitySdk.Points.Internal;

/// <summary>All points state of one community: each member's <see cref="MemberPoints"/>, by the member's dense index.</summary>
internal sealed class PointsState
{
    private MemberPoints?[] _members = new MemberPoints?[64];

    /// <summary>
    /// Awards made for an activity by another activity (a referral reward on approval, a re-credit), by the source's
    /// idempotency key, within the reversal window: reversing the source takes them back too. The source's own
    /// awards are in its events.
    /// </summary>
    public Dictionary<string, List<PointsAwarded>> Deferred { get; } = new(StringComparer.Ordinal);

    public Queue<(DateTimeOffset At, string SourceKey)> DeferredByAge { get; } = new();

    public int Capacity => _members.Length;

    /// <summary>The member's points, or <see langword="null"/> when they have none (or the index is -1).</summary>
    public MemberPoints? Find(int member) => member >= 0 && member < _members.Length ? _members[member] : null;

    public MemberPoints GetOrAdd(int member, PointsCatalog catalog)
    {
        if (member >= _members.Length)
        {
            Array.Resize(ref _members, Math.Max(member + 1, _members.Length * 2));
        }

        return _members[member] ??= new MemberPoints(catalog);
    }

    public void Set(int member, MemberPoints points)
    {
        if (member >= _members.Length)
        {
            Array.Resize(ref _members, Math.Max(member + 1, _members.Length * 2));
        }

        _members[member] = points;
    }

    public IEnumerable<int> WithPoints()
    {
        for (var i = 0; i < _members.Length; i++)
        {
            if (_members[i] is not null)
            {
                yield return i;
            }
        }
    }
}

/// <summary>
/// Folds points events into each member's bounded state. The ledger (every entry) is not kept: it is the log, read
/// page by page for history queries.
/// </summary>
internal sealed class PointsProjection(PointsCatalog catalog, ICommunityCalendar calendar, Microsoft.Extensions.Options.IOptionsMonitor<CommunityOptions> community) : CommunityProjection<PointsState>
{
    public override string Name => "points";

    public override string RulesFingerprint => catalog.Fingerprint;

    public override bool SupportsSnapshots => true;

    protected override PointsState Create(CommunityId community, CommunityMembers members) => new();

    protected override void Apply(PointsState state, CommittedActivity committed, CommunityMembers members)
    {
        if (state.DeferredByAge.Count > 0)
        {
            PruneDeferred(state, committed.EffectiveTime);
        }

        MemberPoints? last = null;
        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            if (e is not (PointsLedgerEvent or PointsWithheld or PointsWithheldCancelled or PointsExpiring))
            {
                continue;
            }

            last = state.GetOrAdd(members.IndexOf(e.Member), catalog);
            last.Apply(e);
            if (e is PointsAwarded award && !string.Equals(award.SourceKey, committed.Activity.IdempotencyKey, StringComparison.Ordinal))
            {
                if (!state.Deferred.TryGetValue(award.SourceKey, out var deferred))
                {
                    state.Deferred[award.SourceKey] = deferred = [];
                }

                deferred.Add(award);
                state.DeferredByAge.Enqueue((award.OccurredAt, award.SourceKey));
            }

            if (last.Caps is { Count: > 8 } || last.Withheld is { Count: > 4 })
            {
                var window = catalog.Options.RecreditWindow;
                var oldest = committed.EffectiveTime - window;
                last.Prune(calendar.LocalDate(committed.Activity.Community, oldest).AddDays(-7), oldest);
            }
        }
    }

    /// <summary>Forgets deferred awards whose source can no longer be reversed.</summary>
    private void PruneDeferred(PointsState state, DateTimeOffset now)
    {
        var horizon = now - community.CurrentValue.ReversalWindow - TimeSpan.FromDays(1);
        while (state.DeferredByAge.TryPeek(out var oldest) && oldest.At < horizon)
        {
            state.DeferredByAge.Dequeue();
            if (state.Deferred.TryGetValue(oldest.SourceKey, out var list))
            {
                list.RemoveAll(a => a.OccurredAt < horizon);
                if (list.Count == 0)
                {
                    state.Deferred.Remove(oldest.SourceKey);
                }
            }
        }
    }

    protected override void Write(PointsState state, SnapshotWriter writer)
    {
        var members = state.WithPoints().ToArray();
        writer.Write(members.Length);
        foreach (var member in members)
        {
            writer.Write(member);
            state.Find(member)!.Write(writer);
        }

        writer.Write(state.DeferredByAge.Count);
        foreach (var (at, key) in state.DeferredByAge)
        {
            writer.Write(at);
            writer.Write(key);
        }

        writer.Write(state.Deferred.Count);
        foreach (var (key, awards) in state.Deferred)
        {
            writer.Write(key);
            writer.Write(awards.Count);
            foreach (var a in awards)
            {
                writer.Write(a.Member.Value);
                writer.Write(a.ActivityId);
                writer.Write(a.Index);
                writer.Write(a.Currency);
                writer.Write(a.Amount);
                writer.Write(a.OccurredAt);
                writer.Write(a.CountsAt);
                writer.Write(a.CapUses.Count);
                foreach (var cap in a.CapUses)
                {
                    writer.Write(cap.Scope);
                    writer.Write(cap.Period);
                    writer.Write(cap.Amount);
                }
            }
        }
    }

    protected override PointsState Read(CommunityId community, CommunityMembers members, SnapshotReader reader)
    {
        var state = new PointsState();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var member = reader.ReadInt32();
            state.Set(member, MemberPoints.Read(catalog, reader));
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            state.DeferredByAge.Enqueue((reader.ReadDateTimeOffset(), reader.ReadString()));
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var key = reader.ReadString();
            var awards = new List<PointsAwarded>();
            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                var (member, activityId, index, currency, amount, at, countsAt) = (reader.ReadString(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadString(), reader.ReadDecimal(), reader.ReadDateTimeOffset(), reader.ReadNullableDateTimeOffset());
                var caps = new CapUse[reader.ReadInt32()];
                for (var i = 0; i < caps.Length; i++)
                {
                    caps[i] = new CapUse(reader.ReadString(), reader.ReadDateOnly(), reader.ReadDecimal());
                }

                awards.Add(new PointsAwarded
                {
                    Community = community,
                    Member = new MemberId(member),
                    ActivityId = activityId,
                    Index = index,
                    Currency = currency,
                    Amount = amount,
                    OccurredAt = at,
                    CountsAt = countsAt,
                    CapUses = caps,
                    Reason = string.Empty,
                    SourceKey = key,
                });
            }

            state.Deferred[key] = awards;
        }

        return state;
    }
}
