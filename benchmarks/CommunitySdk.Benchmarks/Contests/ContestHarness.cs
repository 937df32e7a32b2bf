using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommunitySdk.Contests;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks.Contests;

/// <summary>
/// The load harness of the contest figures, in one run:
/// <list type="number">
/// <item>the contest's own cost per vote (reactor with every rule + fold) over a long stream of votes at N members and
/// M entries: time and allocation per vote for each tenth of the stream (flat = no growth with history), heap per live
/// vote, what a finished contest keeps, and the ranking reads;</item>
/// <item>the whole activity: <c>RecordAsync</c> of a vote on the in-memory store with every feature of the SDK on
/// (<see cref="FullCommunity.AddEveryFeature"/>) at the same community size: mean, p99, allocation.</item>
/// </list>
/// Usage: <c>dotnet run -c Release --project benchmarks/CommunitySdk.Benchmarks -- --contests 1000000 100000 2000000</c>
/// (members, entries, votes of the first part); writes <c>docs/benchmarks/results/contests-{members}-{entries}.md</c>.
/// </summary>
public static class ContestHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var members = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var entries = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var votes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000_000;
        var pipelineVotes = Math.Min(votes, 200_000);
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        Say($"# Contests: {members:N0} members, {entries:N0} entries");
        Say($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}");
        Say(string.Empty);
        Isolated(members, entries, votes, Say);
        await PipelineAsync(members, entries, pipelineVotes, snapshots: true, Say).ConfigureAwait(false);
        await PipelineAsync(members, entries, pipelineVotes, snapshots: false, Say).ConfigureAwait(false);

        var folder = Directory.CreateDirectory(Path.Combine("docs", "benchmarks", "results")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, $"contests-{members}-{entries}.md"), report.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static void Isolated(int members, int entries, int votes, Action<string> say)
    {
        say($"## The contest's own cost per vote (reactor with every rule + fold), {votes:N0} votes");
        say(string.Empty);
        var build = Stopwatch.StartNew();
        using var workload = new ContestWorkload(members, entries);
        var random = new Random(11);
        var first = new int[members]; // each voter's first entry, skewed to the early ones; later passes move one on
        for (var m = 0; m < members; m++)
        {
            first[m] = (int)(entries * Math.Pow(random.NextDouble(), 3));
        }

        var activities = new Activity[Math.Min(votes, 1 << 20)];
        say($"built {members:N0} members (invite forest) and {entries:N0} entries in {build.Elapsed.TotalSeconds:F1} s");
        var heapBefore = HeapMeter.Measure();
        var at = ContestWorkload.Start;
        say(string.Empty);
        say("| tenth of the stream | ns per vote | allocated per vote |");
        say("| ---: | ---: | ---: |");
        var tenth = votes / 10;
        for (var t = 0; t < 10; t++)
        {
            var elapsedInTenth = TimeSpan.Zero;
            var allocatedInTenth = 0L;
            // Activities are made outside the timed loop (the pipeline gets them from the caller).
            var from = t * tenth;
            for (var k = 0; k < tenth; k++)
            {
                var n = from + k;
                var voter = (int)((n * 7919L) % members);
                var entry = ((first[voter] + (n / members)) % entries) + 1;
                activities[k % activities.Length] = workload.Make(workload.Ids[voter], ContestActivityTypes.Vote, entry);
                if (k % activities.Length == activities.Length - 1 || k == tenth - 1)
                {
                    var count = (k % activities.Length) + 1;
                    Run(workload, activities, count, ref at, out var elapsed, out var allocated);
                    elapsedInTenth += elapsed;
                    allocatedInTenth += allocated;
                }
            }

            say($"| {t + 1} | {elapsedInTenth.TotalMilliseconds * 1e6 / tenth:F0} | {(double)allocatedInTenth / tenth:F0} B |");
        }

        var contest = workload.Bench;
        Array.Clear(activities); // the commands are the caller's, not the contest's state
        var heapAfter = HeapMeter.Measure();
        var held = contest.Entries.Sum(e => e.Held.Count);
        say(string.Empty);
        say($"- live votes: {contest.Votes.Count:N0} ({held:N0} held by a fraud rule), heap per live vote: {(double)(heapAfter - heapBefore) / contest.Votes.Count:F0} B");
        var reads = Stopwatch.StartNew();
        var sum = 0;
        for (var i = 0; i < 100_000; i++)
        {
            for (var r = 0; r < 10; r++)
            {
                sum += contest.Ranking.MemberAt(r, out _);
            }

            sum += contest.Ranking.RankOf(i % entries);
        }

        say($"- ranking read (top 10 + one entry's rank): {reads.Elapsed.TotalMilliseconds * 1e6 / 100_000:F0} ns ({sum % 2})");
        var winners = Enumerable.Range(0, 3).Select(r => contest.Entries[contest.Ranking.MemberAt(r, out _)]).Select((e, i) => new ContestWinner(i + 1, e.Id, e.Title, [workload.Ids[e.Author]], e.Votes)).ToArray();
        var finished = new ContestFinished { Member = workload.Ids[0], Contest = ContestWorkload.Contest, Winners = winners, OccurredAt = at };
        workload.Projection.ApplyState(workload.State, new CommittedActivity(long.MaxValue, workload.Make(workload.Ids[0], ContestActivityTypes.Finish, 1), at, "fp", [finished]), workload.Members);
        say($"- after the results: {(double)(HeapMeter.Measure() - heapBefore) / entries:F0} B per entry above the contest before its votes (votes, budgets and hot list dropped)");
        say(string.Empty);
    }

    private static void Run(ContestWorkload workload, Activity[] activities, int count, ref DateTimeOffset at, out TimeSpan elapsed, out long allocated)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            at += TimeSpan.FromMilliseconds(50);
            workload.Execute(activities[i], at);
        }

        elapsed = watch.Elapsed;
        allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
    }

    private static async Task PipelineAsync(int members, int entries, int votes, bool snapshots, Action<string> say)
    {
        say($"## The whole activity: RecordAsync of a vote, in memory, every feature on, {votes:N0} votes, background snapshots {(snapshots ? "on (the default)" : "off")}");
        say(string.Empty);
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; o.Snapshots.Enabled = snapshots; }).AddEveryFeature();
        services.Configure<ContestOptions>(o => o.Contest(ContestWorkload.Contest, "Bench", new DateTime(2026, 1, 1), new DateTime(2026, 1, 6), new DateTime(2099, 1, 1), d =>
        {
            d.MaxEntriesPerMember = 100;
            d.HoldLateJoinerVotes = false; // the members join after the contest opened
        }));
        await using var provider = services.BuildServiceProvider();
        var sdk = provider.GetRequiredService<ICommunity>();
        var contests = provider.GetRequiredService<IContestService>();
        var community = new CommunityId("bench");
        var random = new Random(5);
        var build = Stopwatch.StartNew();
        for (var m = 0; m < members; m++)
        {
            await sdk.RecordAsync(new Activity { IdempotencyKey = $"j{m}", Community = community, Member = new MemberId($"m{m}"), Type = CommunityActivityTypes.MemberJoined }).ConfigureAwait(false);
        }

        for (var e = 0; e < entries; e++)
        {
            await contests.SubmitAsync(community, ContestWorkload.Contest, new MemberId($"m{random.Next(members)}"), new EntrySubmission { Title = $"idea {e}", IdempotencyKey = $"e{e}" }).ConfigureAwait(false);
        }

        say($"joined {members:N0} members and submitted {entries:N0} entries through the pipeline in {build.Elapsed.TotalSeconds:F1} s");
        clock.Advance(TimeSpan.FromDays(1)); // voting opens
        var first = Enumerable.Range(0, members).Select(_ => (int)(entries * Math.Pow(random.NextDouble(), 3))).ToArray();
        var times = new double[votes];
        var bytes = GC.GetTotalAllocatedBytes(precise: true); // every thread: the writer runs where the pipeline puts it
        var total = Stopwatch.StartNew();
        for (var n = 0; n < votes; n++)
        {
            var voter = (int)((n * 7919L) % members);
            var entry = (first[voter] + (n / members)) % entries; // each voter's entries differ from pass to pass
            var activity = new Activity
            {
                IdempotencyKey = $"v{n}",
                Community = community,
                Member = new MemberId($"m{voter}"),
                Type = ContestActivityTypes.Vote,
                Attributes = new Dictionary<string, string> { ["contest"] = ContestWorkload.Contest, ["entry"] = (entry + 1).ToString(CultureInfo.InvariantCulture) },
            };
            var start = Stopwatch.GetTimestamp();
            await sdk.RecordAsync(activity).ConfigureAwait(false);
            times[n] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        var elapsed = total.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        Array.Sort(times);
        say(string.Empty);
        say($"- mean {elapsed.TotalMicroseconds / votes:F1} µs per vote (median {times[votes / 2]:F1} µs, p99 {times[(int)(votes * 0.99)]:F1} µs), {(double)allocated / votes:F0} B allocated per vote (all threads, the caller's activity included)");
        var reads = Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            _ = await contests.RankingAsync(community, ContestWorkload.Contest, 0, 10).ConfigureAwait(false);
        }

        say($"- `RankingAsync` top 10 (the query, with its entries): {reads.Elapsed.TotalMicroseconds / 10_000:F1} µs");
        say(string.Empty);
    }
}
