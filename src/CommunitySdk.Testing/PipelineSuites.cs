using System.Collections.Concurrent;
using System.Globalization;
using CommunitySdk.Points;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>The whole SDK on the store: concurrent writers with retried keys give exactly one effect per key.</summary>
[ConformanceSuite]
public abstract class StoreConcurrencyConformance : StoreConformanceBase
{
    /// <summary>Activities recorded by the concurrency test. Default 100,000.</summary>
    protected virtual int Activities => 100_000;

    /// <summary>Communities the activities are spread over. Default 1 (every writer contends for one community).</summary>
    protected virtual int Communities => 1;

    /// <summary>8 writers, 10% of the keys recorded twice by different writers: one activity, one award per key.</summary>
    [Fact]
    public async Task Eight_writers_with_retried_keys_give_exactly_one_effect_per_key()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", amount: 1))
            .UseStore(_ => Store);
        await using var provider = services.BuildServiceProvider();
        var community = provider.GetRequiredService<ICommunity>();
        var communities = Enumerable.Range(0, Communities).Select(i => Community($"w{i}")).ToArray();
        var random = new Random(8);
        var work = new List<Activity>(Activities + (Activities / 10));
        for (var i = 0; i < Activities; i++)
        {
            work.Add(Order(communities[i % communities.Length], i, $"m{random.Next(500)}"));
        }

        // 10% retried: the same key (same content) again, later in the queue, so another writer usually gets it.
        work.AddRange(work.Take(Activities / 10).Select(a => Order(a.Community, int.Parse(a.IdempotencyKey[1..], CultureInfo.InvariantCulture), a.Member.Value)).ToArray());
        var queue = new ConcurrentQueue<Activity>(work.OrderBy(_ => random.Next()));
        var outcomes = new ConcurrentBag<ActivityOutcome>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var activity))
            {
                outcomes.Add(await community.RecordAsync(activity));
            }
        })));

        Assert.Equal(work.Count, outcomes.Count);
        Assert.Equal(Activities / 10, outcomes.Count(o => o.IsDuplicate));
        foreach (var byKey in outcomes.GroupBy(o => (o.Record.Activity.Community, o.Record.Activity.IdempotencyKey)))
        {
            Assert.Single(byKey.Select(o => o.ActivityId).Distinct()); // a retry returns the first outcome
        }

        var perMember = new Dictionary<(CommunityId, MemberId), int>();
        foreach (var c in communities)
        {
            var log = await ReadAllAsync(Store, c);
            Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(a => a.ActivityId)); // no gaps
            var orders = log.Where(a => a.Activity.Type == "order.completed").ToArray();
            Assert.Equal(orders.Length, orders.Select(a => a.Activity.IdempotencyKey).Distinct().Count()); // each key once
            foreach (var order in orders)
            {
                Assert.Single(order.Events.OfType<PointsAwarded>()); // exactly one effect
                perMember[(c, order.Activity.Member)] = perMember.GetValueOrDefault((c, order.Activity.Member)) + 1;
            }
        }

        Assert.Equal(Activities, perMember.Values.Sum());
        var points = provider.GetRequiredService<IPointsService>();
        foreach (var ((c, member), count) in perMember.Take(50))
        {
            Assert.Equal(count, (await points.GetBalanceAsync(c, member, "coins")).Total);
        }
    }

    private static Activity Order(CommunityId community, int i, string member) => new()
    {
        IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"o{i}"),
        Community = community,
        Member = new MemberId(member),
        Type = "order.completed",
        Value = i % 90,
    };
}

/// <summary>What is committed survives the store being closed and opened again (durable providers).</summary>
[ConformanceSuite]
public abstract class StoreDurabilityConformance : StoreConformanceBase
{
    /// <summary>Opens a second store instance on the same database as <see cref="StoreConformanceBase.Store"/>.</summary>
    /// <returns>The reopened store.</returns>
    protected abstract ValueTask<ICommunityStore> ReopenAsync();

    /// <summary>Log, keys and outbox are all there after a reopen; a second instance continues the ids.</summary>
    [Fact]
    public async Task Everything_committed_is_there_after_a_reopen()
    {
        var c = Community();
        await CommitAsync(Make(c, 1), Make(c, 2));
        var again = await ReopenAsync();
        try
        {
            AssertSame(Make(c, 2), await again.FindAsync(c, "k2"));
            Assert.Equal(2, (await ReadAllAsync(again, c)).Count);
            Assert.Equal([1L, 2], (await again.GetPendingOutboxAsync(100, DateTimeOffset.MaxValue)).Where(e => e.Community == c).Select(e => e.ActivityId));
            var session = await again.BeginWriteAsync(c);
            await using (session)
            {
                Assert.Equal(2, session.LastActivityId);
                await session.CommitAsync(Make(c, 3));
            }

            Assert.Equal(3, await Store.GetLastActivityIdAsync(c)); // the first instance sees the second's commit
        }
        finally
        {
            await ((again as IAsyncDisposable)?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }

    /// <summary>A restarted SDK folds the same balances from the stored log.</summary>
    [Fact]
    public async Task A_restarted_sdk_folds_the_same_state()
    {
        var c = Community();
        var expected = new Dictionary<string, decimal>();
        await using (var first = Sdk(Store))
        {
            var community = first.GetRequiredService<ICommunity>();
            for (var i = 0; i < 60; i++)
            {
                await community.RecordAsync(new Activity { IdempotencyKey = $"o{i}", Community = c, Member = new MemberId($"m{i % 6}"), Type = "order.completed", Value = i });
            }

            await first.GetRequiredService<IPointsService>().SpendAsync(c, new MemberId("m1"), "coins", 20, "voucher", "spend-1");
            for (var m = 0; m < 6; m++)
            {
                expected[$"m{m}"] = (await first.GetRequiredService<IPointsService>().GetBalanceAsync(c, new MemberId($"m{m}"), "coins")).Total;
            }
        }

        var reopened = await ReopenAsync();
        await using var second = Sdk(reopened);
        try
        {
            for (var m = 0; m < 6; m++)
            {
                Assert.Equal(expected[$"m{m}"], (await second.GetRequiredService<IPointsService>().GetBalanceAsync(c, new MemberId($"m{m}"), "coins")).Total);
            }
        }
        finally
        {
            await ((reopened as IAsyncDisposable)?.DisposeAsync() ?? ValueTask.CompletedTask);
        }
    }

    private static ServiceProvider Sdk(ICommunityStore store)
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1)).UseStore(_ => store);
        return services.BuildServiceProvider();
    }
}
