using System.Diagnostics;
using System.Globalization;

namespace CommunitySdk.Benchmarks.Tiers;

/// <summary>
/// Bytes of tier-window state per member with the Discourse preset on: <c>members</c> members, each active on a
/// third of the days of a history of <c>days</c> days with ten Discourse-like activities per active day (fed through
/// the fold's own entry point, in time order). Run with 100 and 1,000 days of history: the state is bounded by the 100-day window,
/// so the longer history must not cost more per member. <c>TIER_DEBUG=1</c> also prints day entries and set keys per member.
/// </summary>
internal static class TierMemoryHarness
{
    public static int Run(string[] args)
    {
        var members = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var days = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        using var workload = new TierWorkload(members);
        var before = HeapMeter.Measure();
        var random = new Random(3);
        var clock = Stopwatch.StartNew();
        long activities = 0;
        for (var day = 0; day < days; day++)
        {
            // In time order, as the log is: each day, every member active that day (a third of them).
            var at = TierWorkload.Start.AddDays(day);
            for (var m = 0; m < members; m++)
            {
                if (random.Next(3) != 0)
                {
                    continue;
                }

                for (var i = 0; i < 10; i++, activities++)
                {
                    workload.Fold(m, workload.Next(random, m), at);
                }
            }
        }

        var elapsed = clock.Elapsed;
        if (Environment.GetEnvironmentVariable("TIER_DEBUG") is not null)
        {
            double entries = 0, capacity = 0, keys = 0, keyCapacity = 0;
            for (var m = 0; m < members; m++)
            {
                var w = workload.Scores.Windows[m]!;
                entries += w.Count;
                capacity += w.Days.Length;
                foreach (var set in w.Sets)
                {
                    keys += set?.Count ?? 0;
                    keyCapacity += set?.EnsureCapacity(0) ?? 0;
                }
            }

            Console.WriteLine($"entries {entries / members:N1} capacity {capacity / members:N1} keys {keys / members:N1} key capacity {keyCapacity / members:N1}");
        }

        var after = HeapMeter.Measure();
        GC.KeepAlive(workload.Scores);
        var perMember = (after - before) / (double)members;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {members:N0} members | {days} days of history | {activities:N0} activities | {perMember:N0} B per member | {(after - before) / 1048576.0:N0} MiB | fold {elapsed.TotalNanoseconds / activities:N0} ns per activity |"));
        return 0;
    }
}
