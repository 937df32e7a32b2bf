using BenchmarkDotNet.Attributes;
using CommunitySdk.Collections;
using CommunitySdk.Contests;

namespace CommunitySdk.Benchmarks.Contests;

/// <summary>
/// One contest command at 1,000,000 members with 1,000 or 100,000 entries: the contest reactor (every rule) and the
/// fold (the vote, the ranking, the hot list), beside the raw limit of a vote (a set insert and one move in the
/// ranked set), and the ranking reads. Commands alternate over a pool of 65,536 (voter, entry) pairs: a pass of votes,
/// then a pass taking them back, so state stays the same size however long BenchmarkDotNet runs.
/// </summary>
[MemoryDiagnoser]
public class ContestBenchmarks
{
    private ContestWorkload _workload = null!;
    private Activity[] _votes = null!;
    private Activity[] _unvotes = null!;
    private long[] _keys = null!;
    private int[] _entries = null!;
    private HashSet<long> _raw = null!;
    private OrderStatisticTree _rawTree = null!;
    private int _next;
    private DateTimeOffset _at;

    [Params(1_000, 100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = BenchmarkSettings.Size(1_000_000);
        var entries = BenchmarkSettings.Size(Entries, 100);
        _workload = new ContestWorkload(members, entries);
        var random = new Random(3);
        var pool = Math.Min(65_536, members);
        var voters = Enumerable.Range(0, members).OrderBy(_ => random.Next()).Take(pool).ToArray(); // distinct: every pair unique
        _entries = voters.Select(_ => 1 + (int)(entries * Math.Pow(random.NextDouble(), 3))).ToArray(); // skewed to the first entries
        _votes = voters.Select((v, i) => _workload.Make(_workload.Ids[v], ContestActivityTypes.Vote, _entries[i])).ToArray();
        _unvotes = voters.Select((v, i) => _workload.Make(_workload.Ids[v], ContestActivityTypes.Unvote, _entries[i])).ToArray();
        _keys = voters.Select((v, i) => ((long)v << 32) | (uint)_entries[i]).ToArray();
        _raw = new HashSet<long>(pool);
        _rawTree = new OrderStatisticTree(entries);
        for (var e = 0; e < entries; e++)
        {
            _rawTree.Set(e, 0);
        }

        _at = ContestWorkload.Start;
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>The raw limit of a vote or unvote: remember the pair in a hash set, move the entry in the ranked set.</summary>
    [Benchmark(Baseline = true)]
    public int Raw_vote_limit()
    {
        var i = _next++ % _keys.Length;
        var entry = _entries[i] - 1;
        if (_raw.Add(_keys[i]))
        {
            _rawTree.Add(entry, 1);
        }
        else
        {
            _raw.Remove(_keys[i]);
            _rawTree.Add(entry, -1);
        }

        return _rawTree.Count;
    }

    /// <summary>A vote (or, on the next pass, taking it back): the reactor with every rule, then the fold.</summary>
    [Benchmark]
    public int Vote_or_unvote_reactor_and_fold()
    {
        var n = _next++;
        var i = n % _votes.Length;
        _at += TimeSpan.FromMilliseconds(50);
        return _workload.Execute((n / _votes.Length) % 2 == 0 ? _votes[i] : _unvotes[i], _at);
    }

    /// <summary>The top 10 of the ranking and one entry's rank (what a contest page reads).</summary>
    [Benchmark]
    public int Top_10_and_rank()
    {
        var ranking = _workload.Bench.Ranking;
        var sum = 0;
        for (var r = 0; r < Math.Min(10, ranking.Count); r++)
        {
            sum += ranking.MemberAt(r, out _);
        }

        return sum + ranking.RankOf(_entries[_next++ % _entries.Length] - 1);
    }
}
