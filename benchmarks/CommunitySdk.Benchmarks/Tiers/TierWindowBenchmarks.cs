using BenchmarkDotNet.Attributes;

namespace CommunitySdk.Benchmarks.Tiers;

/// <summary>
/// The per-activity cost of the tier window counters with the Discourse preset on (seven TL3 requirements over a
/// 100-day window, diversity on likes received, the lifetime TL1/TL2 ones): the fold's update of the member's and
/// the target's counters plus the reactor's evaluation of every tier with the activity pending, for a member whose
/// history is 100, 10,000 or 1,000,000 activities long (100 a day). Beside it the raw limit: one array increment
/// per activity. Flat rows across the history lengths show state bounded by the window.
/// </summary>
[MemoryDiagnoser]
public class TierWindowBenchmarks
{
    private TierWorkload _workload = null!;
    private Activity[] _activities = null!;
    private int[] _counts = null!;
    private int _next;
    private DateTimeOffset _at;
    private TimeSpan _step;

    [Params(100, 10_000, 1_000_000)]
    public int History { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new TierWorkload(members: 50);
        var random = new Random(5);
        _step = TimeSpan.FromDays(1) / 100;
        _at = TierWorkload.Start;
        for (var i = 0; i < BenchmarkSettings.Size(History, 10_000); i++, _at += _step)
        {
            _workload.Fold(0, _workload.Next(random, 0), _at);
        }

        // The measured stream continues the same member's history at the same pace (100 activities a day).
        _activities = Enumerable.Range(0, 4096).Select(_ => _workload.Next(random, 0)).ToArray();
        _counts = new int[64];
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>The raw limit: one counter increment per activity.</summary>
    [Benchmark(Baseline = true)]
    public int Raw_counter_increment() => ++_counts[_next++ & 63];

    /// <summary>Evaluate every tier with the activity pending, then fold it into the counters.</summary>
    [Benchmark]
    public int Evaluate_and_fold_one_activity()
    {
        var activity = _activities[_next++ & 4095];
        _at += _step;
        var decision = _workload.Decide(0, activity, _at);
        _workload.Fold(0, activity, _at);
        return (int)decision.Action;
    }
}
