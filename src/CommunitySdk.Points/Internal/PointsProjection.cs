using System.Collections.Concurrent;

namespace CommunitySdk.Points.Internal;

/// <summary>
/// Points folded from committed events, per community: each member's working state, their ledger history,
/// and which award entries each source activity produced (for reversals).
/// </summary>
internal sealed class PointsProjection : ICommunityProjection
{
    private readonly ConcurrentDictionary<CommunityId, CommunityPoints> _communities = new();

    public void Apply(CommittedActivity committed)
    {
        CommunityPoints? points = null;
        foreach (var e in committed.Events)
        {
            if (e is not (PointsLedgerEvent or PointsWithheld or PointsWithheldCancelled or PointsExpiring))
            {
                continue;
            }

            points ??= Get(committed.Activity.Community);
            lock (points.Sync)
            {
                if (!points.Members.TryGetValue(e.Member, out var member))
                {
                    points.Members[e.Member] = member = new MemberPoints();
                }

                member.Apply(e);
                switch (e)
                {
                    case PointsLedgerEvent ledger:
                        if (!points.History.TryGetValue(e.Member, out var history))
                        {
                            points.History[e.Member] = history = [];
                        }

                        history.Add(new LedgerEntry(e.ActivityId, e.Index, ledger.Currency, ledger.Amount, KindOf(ledger), ledger.Reason, e.OccurredAt, (ledger as PointsAwarded)?.ExpiresAt));
                        var earned = ledger switch
                        {
                            PointsAwarded a => a.Amount,
                            PointsReversed r => r.Amount - r.Unrecovered, // the whole award stops counting as earned
                            _ => 0m,
                        };
                        if (earned != 0)
                        {
                            if (!points.Earned.TryGetValue(e.Member, out var deltas))
                            {
                                points.Earned[e.Member] = deltas = [];
                            }

                            // A reversal takes back the award in the window the award was earned in.
                            var at = ledger is PointsReversed reversed && points.Awards.TryGetValue((reversed.ReversedActivityId, reversed.ReversedIndex), out var original)
                                ? original.OccurredAt
                                : e.OccurredAt;
                            deltas.Add((at, ledger.Currency, earned));
                        }

                        if (ledger is PointsAwarded award)
                        {
                            points.Awards[(e.ActivityId, e.Index)] = award;
                            Index(points.BySource, award.SourceKey, new EntryRef(e.Member, e.ActivityId, e.Index));
                        }

                        break;
                    case PointsWithheld withheld:
                        Index(points.BySource, withheld.SourceKey, new EntryRef(e.Member, e.ActivityId, e.Index, Withheld: true));
                        break;
                }
            }
        }
    }

    public void Reset(CommunityId community) => _communities.TryRemove(community, out _);

    /// <summary>A copy of a member's working state, for a unit of work to change.</summary>
    public MemberPoints WorkingCopy(CommunityId community, MemberId member) => Read(community, p => p.Members.TryGetValue(member, out var m) ? m.Clone() : new MemberPoints(), new MemberPoints());

    public T Read<T>(CommunityId community, Func<CommunityPoints, T> read, T empty)
    {
        if (!_communities.TryGetValue(community, out var points))
        {
            return empty;
        }

        lock (points.Sync)
        {
            return read(points);
        }
    }

    private static void Index(Dictionary<string, List<EntryRef>> index, string key, EntryRef entry)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(entry);
    }

    private static string KindOf(PointsLedgerEvent e) => e switch
    {
        PointsAwarded => "Awarded",
        PointsSpent => "Spent",
        PointsDeducted => "Deducted",
        PointsReversed => "Reversed",
        PointsExpired => "Expired",
        _ => e.GetType().Name,
    };

    private CommunityPoints Get(CommunityId community) => _communities.GetOrAdd(community, static _ => new CommunityPoints());
}

/// <summary>An award (or withheld record) produced for a source activity.</summary>
internal sealed record EntryRef(MemberId Member, long ActivityId, int Index, bool Withheld = false);

/// <summary>All points state of one community; read and written under <see cref="Sync"/>.</summary>
internal sealed class CommunityPoints
{
    public Lock Sync { get; } = new();

    public Dictionary<MemberId, MemberPoints> Members { get; } = [];

    public Dictionary<MemberId, List<LedgerEntry>> History { get; } = [];

    public Dictionary<(long ActivityId, int Index), PointsAwarded> Awards { get; } = [];

    public Dictionary<string, List<EntryRef>> BySource { get; } = new(StringComparer.Ordinal);

    public Dictionary<MemberId, List<(DateTimeOffset At, string Currency, decimal Amount)>> Earned { get; } = [];
}
