using System.Diagnostics;
using CommunitySdk.Points;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage.Tests;

/// <summary>
/// Starts the crash child on a store, kills it with SIGKILL at a random point, many times; then checks every
/// activity the child saw committed is in the log exactly once, every balance equals its ledger entries, and
/// a restarted host's outbox relay delivers every event of the log (the child publishes nothing inline, so
/// each kill lands between a commit and its publication). The child snapshots every 100 activities, so kills also
/// land while a snapshot is saved: the restarted host starts from the newest snapshot that was saved whole.
/// </summary>
internal static class CrashHarness
{
    /// <summary>Records what the restarted host's relay delivered.</summary>
    public sealed class Delivered
    {
        public List<CommunityEvent> Events { get; } = [];
    }

    public sealed class DeliveredHandler(Delivered delivered) : ICommunityEventHandler<CommunityEvent>
    {
        public ValueTask HandleAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
        {
            lock (delivered.Events)
            {
                delivered.Events.Add(communityEvent);
            }

            return ValueTask.CompletedTask;
        }
    }

    private static int Count(List<string> seen)
    {
        lock (seen)
        {
            return seen.Count;
        }
    }

    public static async Task RunAsync(string provider, string connectionString, Action<ICommunitySdkBuilder> useStore, int runs = 8)
    {
        var community = new CommunityId($"crash-{Guid.NewGuid():N}");
        var child = Path.Combine(AppContext.BaseDirectory, "CommunitySdk.CrashChild.dll");
        var committed = new List<string>();
        var random = new Random(42);
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { child, provider, connectionString, community.Value, $"r{run}" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = new Process { StartInfo = start };
            var seen = new List<string>();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    lock (seen)
                    {
                        seen.Add(line["committed ".Length..]);
                    }
                }
            };
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            var waited = Stopwatch.StartNew();
            while (Count(seen) == 0 && !process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(10);
            }

            Assert.True(Count(seen) > 0, $"run {run}: the child committed nothing: {(process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still running)")}");
            await Task.Delay(random.Next(50, 700)); // kill at a random point of the loop
            process.Kill(entireProcessTree: true); // SIGKILL on Unix: no finally blocks, no flush, no graceful shutdown
            await process.WaitForExitAsync();
            lock (seen)
            {
                committed.AddRange(seen);
            }
        }

        var services = new ServiceCollection();
        var delivered = new Delivered();
        services.AddSingleton(delivered);
        var builder = services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
            .AddEventHandler<CommunityEvent, DeliveredHandler>();
        useStore(builder);
        await using var sp = services.BuildServiceProvider();
        var store = sp.GetRequiredService<ICommunityStore>();
        var log = new List<CommittedActivity>();
        await foreach (var a in store.ReadLogAsync(community))
        {
            log.Add(a);
        }

        // Ids without gaps, each key once, and every activity the child saw committed is there.
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(a => a.ActivityId));
        var keys = log.Select(a => a.Activity.IdempotencyKey).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        var stored = keys.ToHashSet(StringComparer.Ordinal);
        Assert.All(committed, key => Assert.Contains(key, stored));
        Assert.True(log.Count >= committed.Count);

        // The restarted host starts from a snapshot the child saved (a save cut short left the previous one valid).
        var snapshot = await ((ICommunitySnapshotStore)store).LoadSnapshotAsync(community);
        Assert.NotNull(snapshot);
        Assert.InRange(snapshot.Position, 1, log.Count);

        // Every balance equals the sum of its ledger entries, and the ledger equals the events in the log.
        var points = sp.GetRequiredService<IPointsService>();
        foreach (var member in log.Select(a => a.Activity.Member).Distinct())
        {
            var balance = await points.GetBalanceAsync(community, member, "coins");
            decimal entries = 0;
            for (LedgerPageRequest? page = new(PageSize: 500); page is not null;)
            {
                var result = await points.GetHistoryAsync(community, member, page);
                entries += result.Items.Sum(i => i.Amount);
                page = result.Next;
            }

            var fromLog = log.SelectMany(a => a.Events).OfType<PointsLedgerEvent>().Where(e => e.Member == member).Sum(e => e.Amount);
            Assert.Equal(entries, balance.Total);
            Assert.Equal(fromLog, balance.Total);
            Assert.True(balance.Total >= 0);
        }

        // Restart: every event of every committed activity reaches the handler (at least once), none invented.
        Assert.NotEmpty(await store.GetPendingOutboxAsync(1, DateTimeOffset.MaxValue));
        await sp.GetRequiredService<ICommunityOutbox>().RelayPendingAsync();
        Assert.Empty(await store.GetPendingOutboxAsync(1, DateTimeOffset.MaxValue));
        var got = delivered.Events.Select(e => (e.ActivityId, e.Index)).ToHashSet();
        var expected = log.SelectMany(a => a.Events.Select(e => (a.ActivityId, e.Index))).ToHashSet();
        Assert.Equal(expected.Order(), got.Order());
    }

    /// <summary>
    /// Erasure under SIGKILL: a community with a long history, a child process erasing one member killed at random
    /// points; after each kill the member is either wholly there or wholly gone (one transaction), and a retry
    /// finishes the erasure with every other balance and the ledger sum unchanged.
    /// </summary>
    public static async Task EraseAsync(string provider, string connectionString, Action<ICommunitySdkBuilder> useStore, int runs = 8)
    {
        var community = new CommunityId($"erase-crash-{Guid.NewGuid():N}");
        string Victim(int run) => $"victim{run}.crash@example.com"; // each run erases its own member
        ServiceProvider Host()
        {
            var services = new ServiceCollection();
            var builder = services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
                .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
            useStore(builder);
            return services.BuildServiceProvider();
        }

        Dictionary<MemberId, decimal> balances;
        await using (var seed = Host())
        {
            // A history long enough that the erasure (a read of the log, then one transaction) takes a while.
            var sdk = seed.GetRequiredService<ICommunity>();
            var batch = new List<Activity>();
            for (var i = 0; i < 6000; i++)
            {
                var member = i % 7 == 0 ? new MemberId(Victim(i / 7 % runs)) : new MemberId($"m{i % 40}");
                batch.Add(new Activity { IdempotencyKey = $"order:{member.Value}:{i}", Community = community, Member = member, Type = "order.completed", Value = 1 + (i % 50) });
            }

            await seed.GetRequiredService<ICommunityImporter>().ImportAsync(Stream(batch));
            balances = await BalancesAsync(seed, community);
        }

        var random = new Random(7);
        var erased = 0;
        var child = Path.Combine(AppContext.BaseDirectory, "CommunitySdk.CrashChild.dll");
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { child, provider, connectionString, community.Value, "erase", Victim(run) })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = new Process { StartInfo = start };
            var erasing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == "erasing")
                {
                    erasing.TrySetResult();
                }
            };
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            await erasing.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(random.Next(0, 150)); // kill inside the erasure (or, sometimes, just before or after it)
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();

            // All or nothing: the member's entries are all there (no erasure record) or none is (and the record is).
            await using var check = Host();
            var log = new List<CommittedActivity>();
            await foreach (var a in check.GetRequiredService<ICommunityStore>().ReadLogAsync(community))
            {
                log.Add(a);
            }

            var victim = Victim(run);
            var entries = Enumerable.Range(0, 6000).Count(i => i % 7 == 0 && i / 7 % runs == run);
            var mentions = log.Count(a => a.Activity.IdempotencyKey.Contains(victim, StringComparison.Ordinal) || a.Activity.Member.Value == victim);
            var recorded = log.Count(a => a.Activity.Type == CommunityActivityTypes.Erase) - erased;
            Assert.True((mentions == entries && recorded == 0) || (mentions == 0 && recorded == 1), $"run {run}: {mentions} of {entries} entries still name the member, {recorded} new erasure records");
            erased += recorded;
        }

        // A retry finishes each job (or finds it done); everyone else's balance and the ledger sum are unchanged.
        await using var after = Host();
        for (var run = 0; run < runs; run++)
        {
            await after.GetRequiredService<IMemberEraser>().EraseAsync(community, new MemberId(Victim(run)), "retry after a crash");
        }

        await foreach (var a in after.GetRequiredService<ICommunityStore>().ReadLogAsync(community))
        {
            Assert.DoesNotContain("crash@example.com", StoreConformanceBase.Serializer.ToRecord(a).ToString(), StringComparison.Ordinal);
        }

        var now = await BalancesAsync(after, community);
        Assert.Equal(balances.Values.Sum(), now.Values.Sum());
        Assert.Equal(balances.Where(b => !b.Key.Value.Contains("crash@", StringComparison.Ordinal)).OrderBy(b => b.Key.Value), now.Where(b => !b.Key.Value.StartsWith("erased-", StringComparison.Ordinal)).OrderBy(b => b.Key.Value));
        Assert.Equal(
            balances.Where(b => b.Key.Value.Contains("crash@", StringComparison.Ordinal)).Select(b => b.Value).Order(),
            now.Where(b => b.Key.Value.StartsWith("erased-", StringComparison.Ordinal)).Select(b => b.Value).Order());
    }

    private static async IAsyncEnumerable<Activity> Stream(List<Activity> activities)
    {
        foreach (var activity in activities)
        {
            yield return activity;
        }

        await Task.CompletedTask;
    }

    private static async Task<Dictionary<MemberId, decimal>> BalancesAsync(IServiceProvider services, CommunityId community)
    {
        var result = new Dictionary<MemberId, decimal>();
        foreach (var info in await services.GetRequiredService<IMemberDirectory>().ListAsync(community, 0, 500))
        {
            result[info.Member] = (await services.GetRequiredService<IPointsService>().GetBalanceAsync(community, info.Member, "coins")).Total;
        }

        return result;
    }
}
