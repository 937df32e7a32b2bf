using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks.Scale;

/// <summary>
/// The load harness of the state-at-scale figures: a community of N members and M activities with every feature on
/// (<see cref="ScaleWorkload"/>), measured end to end in one run:
/// <list type="number">
/// <item>recording it in memory, one writer: mean and p99 per activity, allocation per activity, the rate of each tenth;</item>
/// <item>importing it into a SQLite file (cached in a temporary folder for the next runs);</item>
/// <item>a restart on that file without a snapshot (a full fold of the log), with the heap it leaves per member, beside
/// the raw read of the same rows with SQLite;</item>
/// <item>a snapshot, and a restart from it (time to the first answer);</item>
/// <item>queries on the warm community (balance, rank, top 10, badges, a history page).</item>
/// </list>
/// Usage: <c>dotnet run -c Release --project benchmarks/CommunitySdk.Benchmarks -- --scale 100000 1000000</c>.
/// </summary>
public static class ScaleHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var members = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var activities = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var only = args.Length > 2 ? args[2] : "all";
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        var community = new CommunityId("scale");
        var workload = new ScaleWorkload(community, members, activities);
        Say($"# State at scale: {members:N0} members, {activities:N0} activities");
        Say($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}; every feature on (FullCommunity.AddEveryFeature)");
        Say(string.Empty);

        if (only is "all" or "memory")
        {
            await InMemoryAsync(workload, Say).ConfigureAwait(false);
        }

        if (only is "all" or "sqlite")
        {
            await SqliteAsync(workload, Say).ConfigureAwait(false);
        }

        var folder = Directory.CreateDirectory(Path.Combine("docs", "benchmarks", "results")).FullName;
        var file = Path.Combine(folder, $"scale-{members}-{activities}.md");
        await File.WriteAllTextAsync(file, report.ToString()).ConfigureAwait(false);
        Console.WriteLine($"report: {file}");
        return 0;
    }

    private static ServiceProvider Host(Action<ICommunitySdkBuilder> store, bool snapshots = true)
    {
        var services = new ServiceCollection();
        var builder = services.AddCommunitySdk(o =>
        {
            o.Community("scale");
            o.Community("warm-up");
            o.PublishEventsInline = false;
            o.Snapshots.Enabled = snapshots;
            o.Snapshots.EveryActivities = 100_000_000; // the harness takes its own
            o.Snapshots.Interval = TimeSpan.FromDays(365);
            o.MaxActivityTypes = 100;
        }).AddEveryFeature();
        store(builder);
        return services.BuildServiceProvider();
    }

    /// <summary>Records the workload one activity at a time on a store that keeps no log (the SDK's own cost).</summary>
    private static async Task InMemoryAsync(ScaleWorkload workload, Action<string> say)
    {
        await using var services = Host(b => b.UseStore(_ => new KeyOnlyStore()));
        var community = services.GetRequiredService<ICommunity>();

        // Warm-up (as BenchmarkDotNet would): a small community of its own, so the JIT has optimised the hot paths.
        foreach (var activity in new ScaleWorkload(new CommunityId("warm-up"), 2_000, 50_000).Generate())
        {
            try
            {
                await community.RecordAsync(activity).ConfigureAwait(false);
            }
            catch (CommunityException)
            {
            }
        }

        var tenth = Math.Max(1, workload.Activities / 10);
        var latencies = new long[workload.Activities + 16];
        long count = 0, rejected = 0, allocated = 0, busy = 0, tenthBusy = 0;
        var rates = new List<double>();
        var byType = new Dictionary<string, (long Count, long Ticks, List<long> Samples)>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);

        var pausedBefore = GC.GetTotalPauseDuration();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        // The workload is generated in chunks outside the measurement: only recording is timed and counted.
        using var source = workload.Generate().GetEnumerator();
        var chunk = new List<Activity>(50_000);
        while (true)
        {
            chunk.Clear();
            while (chunk.Count < chunk.Capacity && source.MoveNext())
            {
                chunk.Add(source.Current);
            }

            if (chunk.Count == 0)
            {
                break;
            }

            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            foreach (var activity in chunk)
            {
                var before = Stopwatch.GetTimestamp();
                try
                {
                    await community.RecordAsync(activity).ConfigureAwait(false);
                }
                catch (CommunityException ex)
                {
                    rejected++;
                    reasons[ex.GetType().Name + " " + activity.Type] = reasons.GetValueOrDefault(ex.GetType().Name + " " + activity.Type) + 1;
                }

                var took = Stopwatch.GetTimestamp() - before;
                latencies[count++] = took;
                var kind = byType.TryGetValue(activity.Type, out var k) ? k : (0, 0, new List<long>());
                kind.Samples.Add(took);
                byType[activity.Type] = (kind.Count + 1, kind.Ticks + took, kind.Samples);
                busy += took;
                tenthBusy += took;
                if (count % tenth == 0)
                {
                    rates.Add(tenth / (tenthBusy / (double)Stopwatch.Frequency));
                    tenthBusy = 0;
                }
            }

            allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        }

        var total = TimeSpan.FromSeconds(busy / (double)Stopwatch.Frequency);
        var paused = GC.GetTotalPauseDuration() - pausedBefore; // includes collections during generation
        Array.Sort(latencies, 0, (int)count);
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        say("## Recording in memory (one writer, every feature, a store that keeps only idempotency keys)");
        say(string.Empty);
        say("| figure | measured |");
        say("| --- | ---: |");
        say(F($"| activities (rejected by rules) | {count:N0} ({rejected:N0}) |"));
        say(F($"| mean per activity | {total.TotalMicroseconds / count:0.00} µs ({count / total.TotalSeconds:N0} /s) |"));
        say(F($"| median / p90 / p99 / p99.9 | {Micro(latencies[count / 2]):0.0} / {Micro(latencies[(long)(count * 0.9)]):0.0} / {Micro(latencies[(long)(count * 0.99)]):0.0} / {Micro(latencies[(long)(count * 0.999)]):0.0} µs |"));
        say(F($"| allocated per activity (the activity itself is allocated by the generator, outside the measurement) | {allocated / (double)count:N0} B |"));
        say(F($"| GC: collections (gen 0 / 1 / 2) and pause time, whole run | {GC.CollectionCount(0) - gcBefore.Item1:N0} / {GC.CollectionCount(1) - gcBefore.Item2:N0} / {GC.CollectionCount(2) - gcBefore.Item3:N0}, {paused.TotalSeconds:0.00} s ({paused.TotalMicroseconds / count:0.0} µs per activity) |"));
        say(F($"| rate per tenth of the log | {string.Join(" → ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} /s |"));
        say(F($"| last tenth ÷ first tenth | {rates[^1] / rates[0]:0.00} |"));
        say(F($"| rejected, by reason | {string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key}: {r.Value:N0}"))} |"));
        say(string.Empty);
        say("| activity type | share | mean | p99 |");
        say("| --- | ---: | ---: | ---: |");
        foreach (var (type, (n, ticks, samples)) in byType.OrderByDescending(t => t.Value.Count))
        {
            samples.Sort();
            say(F($"| {type} | {100.0 * n / count:0.0} % | {Micro(ticks) / n:0.0} µs | {Micro(samples[(int)(samples.Count * 0.99)]):0.0} µs |"));
        }

        say(string.Empty);
    }

    private static async Task SqliteAsync(ScaleWorkload workload, Action<string> say)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "communitysdk-scale")).FullName;
        var file = Path.Combine(folder, $"scale-{workload.Members}-{workload.Activities}.db");
        var connection = $"Data Source={file}";
        say("## The log in a SQLite file");
        say(string.Empty);
        say("| figure | measured |");
        say("| --- | ---: |");
        if (!File.Exists(file))
        {
            await using var importer = Host(b => b.UseSqlite(connection));
            var started = Stopwatch.GetTimestamp();
            var result = await importer.GetRequiredService<ICommunityImporter>().ImportAsync(ToAsync(workload.Generate()), new Progress<ImportProgress>(p =>
            {
                if (p.Read % 1_000_000 == 0)
                {
                    Console.WriteLine($"  imported {p.Read:N0}");
                }
            })).ConfigureAwait(false);
            var took = Stopwatch.GetElapsedTime(started);
            say(F($"| import (generated now; cached in {folder}) | {result.Recorded:N0} recorded, {result.Rejected:N0} rejected, in {took.TotalSeconds:0.0} s: {result.Recorded / took.TotalSeconds:N0} /s |"));
        }
        else
        {
            say(F($"| import | cached in {file} |"));
        }

        SqliteConnection.ClearAllPools();
        say(F($"| file size | {new FileInfo(file).Length / 1048576.0:N0} MiB ({new FileInfo(file).Length / (double)workload.Activities:N0} B per activity) |"));

        // The raw read of the same rows: the limit of any fold from this file.
        var raw = Stopwatch.GetTimestamp();
        long rows = 0, bytes = 0;
        await using (var sqlite = new SqliteConnection(connection))
        {
            await sqlite.OpenAsync().ConfigureAwait(false);
            await using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT community, activity_id, idempotency_key, member, type, occurred_at, value, attributes, recorded_at, fingerprint, events FROM community_activities WHERE community = 'scale' ORDER BY activity_id";
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                rows++;
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    bytes += reader.IsDBNull(c) ? 0 : reader.GetFieldType(c) == typeof(string) ? reader.GetString(c).Length : 8;
                }
            }
        }

        var rawTook = Stopwatch.GetElapsedTime(raw);
        say(F($"| raw SQLite read of the log (every column, no parsing) | {rows:N0} rows in {rawTook.TotalSeconds:0.00} s: {rows / rawTook.TotalSeconds:N0} /s |"));

        // Restart without a snapshot: a full fold; then the heap it keeps, measured as what is freed once the host is
        // gone (the host lives in a method of its own: a local of this async method would keep it reachable).
        var heapBefore = Heap();
        var (heapWith, joined) = await ColdRestartAsync(connection, workload, rows, rawTook, say).ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
        await Task.Delay(100).ConfigureAwait(false); // continuations of the disposal still hold the host for a moment
        var heap = heapWith - heapBefore;
        var freed = heapWith - Heap();
        say(F($"| heap the folded state holds (after a full GC, against the heap before the host) | {heap / 1048576.0:N0} MiB: {heap / (double)joined:N0} B per member ({joined:N0}), {heap / (double)rows:N0} B per activity |"));
        say(F($"| heap freed once the host is disposed and unreachable | {freed / 1048576.0:N0} MiB |"));

        SqliteConnection.ClearAllPools();
        var warm = Stopwatch.GetTimestamp();
        await using (var restarted = Host(b => b.UseSqlite(connection)))
        {
            await restarted.GetRequiredService<IPointsService>().GetBalanceAsync(workload.Community, new MemberId(ScaleWorkload.MemberName(0)), "coins").ConfigureAwait(false);
            say(F($"| restart with the snapshot: first answer | {Stopwatch.GetElapsedTime(warm).TotalSeconds:0.00} s |"));
        }

        say(string.Empty);
    }

    private static async Task<(long HeapWith, long Joined)> ColdRestartAsync(string connection, ScaleWorkload workload, long rows, TimeSpan rawTook, Action<string> say)
    {
        var fold = Stopwatch.GetTimestamp();
        await using var cold = Host(b => b.UseSqlite(connection), snapshots: false);
        await cold.GetRequiredService<IPointsService>().GetBalanceAsync(workload.Community, new MemberId(ScaleWorkload.MemberName(0)), "coins").ConfigureAwait(false);
        var folded = Stopwatch.GetElapsedTime(fold);
        say(F($"| restart without a snapshot: first answer (a full fold) | {folded.TotalSeconds:0.00} s: {rows / folded.TotalSeconds:N0} activities/s ({folded.TotalSeconds / rawTook.TotalSeconds:0.00}× the raw read) |"));
        var joined = await cold.GetRequiredService<IMemberDirectory>().CountAsync(workload.Community).ConfigureAwait(false);
        await QueriesAsync(cold, workload, say).ConfigureAwait(false);

        var snap = Stopwatch.GetTimestamp();
        var taken = await cold.GetRequiredService<IProjectionSynchronizer>().TakeSnapshotAsync(workload.Community).ConfigureAwait(false);
        say(F($"| snapshot written | {taken}, in {Stopwatch.GetElapsedTime(snap).TotalSeconds:0.00} s |"));
        return (Heap(), joined);
    }

    /// <summary>Queries on the warm community, each averaged over many calls (members drawn at random).</summary>
    private static async Task QueriesAsync(IServiceProvider services, ScaleWorkload workload, Action<string> say)
    {
        var points = services.GetRequiredService<IPointsService>();
        var scoring = services.GetRequiredService<IScoringService>();
        var badges = services.GetRequiredService<IBadgeService>();
        var random = new Random(3);
        var c = workload.Community;
        MemberId Someone() => new(ScaleWorkload.MemberName(random.Next(workload.Members)));
        async Task Time(string name, Func<Task> query, int times = 20_000)
        {
            for (var i = 0; i < 100; i++)
            {
                await query().ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < times; i++)
            {
                await query().ConfigureAwait(false);
            }

            say(F($"| query: {name} | {Stopwatch.GetElapsedTime(started).TotalMicroseconds / times:0.0} µs |"));
        }

        await Time("a balance (SQLite: includes one last-id read)", async () => await points.GetBalanceAsync(c, Someone(), "coins").ConfigureAwait(false)).ConfigureAwait(false);
        await Time("rank on the score board", async () => await scoring.RankAsync(c, new LeaderboardKey(LeaderboardKind.Score), Someone()).ConfigureAwait(false)).ConfigureAwait(false);
        await Time("top 10", async () => await scoring.TopAsync(c, new LeaderboardKey(LeaderboardKind.Score), 10).ConfigureAwait(false)).ConfigureAwait(false);
        await Time("a member's badges", async () => await badges.GetBadgesAsync(c, Someone()).ConfigureAwait(false)).ConfigureAwait(false);
        await Time("a history page of 20 (read from the log)", async () => await points.GetHistoryAsync(c, Someone(), new LedgerPageRequest(PageSize: 20)).ConfigureAwait(false), times: 2_000).ConfigureAwait(false);
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async IAsyncEnumerable<Activity> ToAsync(IEnumerable<Activity> activities, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var activity in activities)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return activity;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
