using CommunitySdk.Leaderboards.Redis;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Leaderboards.Redis.Tests;

public class RedisLeaderboardTests
{
    private static readonly CommunityId Shop = new("shop");

    /// <summary>The server comes from ./eng/test.sh (a throwaway redis-server; COMMUNITYSDK_REDIS).</summary>
    private static string Server => Environment.GetEnvironmentVariable("COMMUNITYSDK_REDIS") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("COMMUNITYSDK_REDIS is not set: run the tests with ./eng/test.sh, which starts a throwaway Redis.");

    private static TestHost Host(string prefix, string? server = null) => TestHost.Create(
        b => b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
              .AddScoring(s => s.HalfLife(TimeSpan.FromDays(7)).Weight("post.created", 2).Weight("order.completed", 1, perUnitOfValue: 0.01))
              .UseRedisLeaderboards(server ?? Server, r => { r.KeyPrefix = prefix; r.PointsCurrency = "coins"; }), // the half-life comes from scoring
        o => o.TimeZone = "Asia/Shanghai");

    private static async Task<List<TimeSpan>> Simulate(TestHost host, int seed, int count = 400, string prefix = "a")
    {
        var random = new Random(seed);
        var took = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var type = random.Next(3) == 0 ? "order.completed" : "post.created";
            await host.Community.RecordAsync(new Activity
            {
                IdempotencyKey = $"{prefix}{i}",
                Community = Shop,
                Member = new MemberId($"m{random.Next(40)}"),
                Type = type,
                Value = type == "order.completed" ? random.Next(5, 200) : null,
            });
            took.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(5, 180)));
        }

        return took;
    }

    private static async Task AssertBoardsEqualTheSdk(TestHost host)
    {
        // Host code reads boards through ILeaderboards: with UseRedisLeaderboards that is Redis.
        var redis = host.Get<ILeaderboards>();
        Assert.Same(host.Get<IRedisLeaderboards>(), redis);
        var scores = host.Get<IScoringService>();
        var board = new LeaderboardKey(LeaderboardKind.Score);
        var expected = await scores.TopAsync(Shop, board, 25);
        var actual = await redis.TopAsync(Shop, board, 25);
        Assert.Equal(expected.Select(e => e.Member), actual.Select(e => e.Member));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Score, a.Score, e.Score * 1e-9);
            Assert.Equal(e.Rank, a.Rank);
        }

        Assert.Equal(await scores.SizeAsync(Shop, board), await redis.SizeAsync(Shop, board));
        foreach (var kind in new[] { LeaderboardKind.PointsDay, LeaderboardKind.PointsWeek, LeaderboardKind.PointsMonth })
        {
            var key = new LeaderboardKey(kind, At: host.Clock.GetUtcNow().AddHours(-20));
            var sdk = (await scores.TopAsync(Shop, key, 100)).Where(e => e.Score != 0).ToDictionary(e => e.Member, e => e.Score);
            var shared = (await redis.TopAsync(Shop, key, 100)).Where(e => e.Score != 0).ToDictionary(e => e.Member, e => e.Score);
            Assert.Equal(sdk.OrderBy(p => p.Key.Value), shared.OrderBy(p => p.Key.Value));
        }
    }

    [Fact]
    public async Task Redis_boards_equal_the_in_process_boards_and_survive_a_rebuild()
    {
        await using var host = Host($"t{Guid.NewGuid():N}");
        await host.Community.RecordAsync(new Activity { IdempotencyKey = "big-order", Community = Shop, Member = new MemberId("m3"), Type = "order.completed", Value = 900 });
        await Simulate(host, seed: 5);

        // A refund weeks later takes its coins back from the day, week and month the order was in.
        var refund = await host.Get<IPointsService>().ReverseAsync(Shop, new MemberId("m3"), "big-order", "refund", "refund-big-order");
        Assert.Contains(refund.Effects, e => e is PointsReversed);
        await AssertBoardsEqualTheSdk(host);

        var redis = host.Get<IRedisLeaderboards>();
        var around = await redis.AroundAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), new MemberId("m7"), 2);
        Assert.Contains(around, e => e.Member == new MemberId("m7"));
        Assert.InRange(around.Count, 3, 5);
        var rank = await redis.RankAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), new MemberId("m7"));
        Assert.Equal((await host.Get<IScoringService>().RankAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), new MemberId("m7")))!.Rank, rank!.Rank);

        Assert.Equal(402, await redis.RebuildAsync(Shop));
        await AssertBoardsEqualTheSdk(host);
    }

    [Fact]
    public async Task Erasing_a_member_rebuilds_the_boards_and_no_redis_key_or_entry_holds_their_id()
    {
        var prefix = $"t{Guid.NewGuid():N}";
        await using var host = Host(prefix);
        var victim = new MemberId("victim.zoe@example.com");
        await host.Community.RecordAsync(new Activity { IdempotencyKey = $"order:{victim.Value}", Community = Shop, Member = victim, Type = "order.completed", Value = 70 });
        await host.Community.RecordAsync(new Activity { IdempotencyKey = "o2", Community = Shop, Member = new MemberId("m1"), Type = "order.completed", Value = 30 });
        var redis = host.Get<IRedisLeaderboards>();
        var week = new LeaderboardKey(LeaderboardKind.PointsWeek);
        Assert.Equal(70, (await redis.RankAsync(Shop, week, victim))!.Score);

        var erasure = await host.Get<IMemberEraser>().EraseAsync(Shop, victim, "erasure request");
        await host.Get<ICommunityOutbox>().RelayPendingAsync(); // the MemberErased event reaches the boards (at least once)

        Assert.Null(await redis.RankAsync(Shop, week, victim));
        Assert.Equal(70, (await redis.RankAsync(Shop, week, erasure.Tombstone!.Value))!.Score);
        Assert.Equal(30, (await redis.RankAsync(Shop, week, new MemberId("m1")))!.Score);
        await AssertBoardsEqualTheSdk(host);

        // Every key of the boards, its name and what it holds.
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Server);
        var db = connection.GetDatabase();
        var keys = 0;
        foreach (var endpoint in connection.GetEndPoints())
        {
            await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: $"{prefix}:*"))
            {
                keys++;
                Assert.DoesNotContain(victim.Value, key.ToString(), StringComparison.Ordinal);
                var held = await db.KeyTypeAsync(key) switch
                {
                    StackExchange.Redis.RedisType.SortedSet => string.Join(',', (await db.SortedSetRangeByRankAsync(key)).Select(v => v.ToString())),
                    StackExchange.Redis.RedisType.String => (await db.StringGetAsync(key)).ToString(),
                    StackExchange.Redis.RedisType.Set => string.Join(',', (await db.SetMembersAsync(key)).Select(v => v.ToString())),
                    StackExchange.Redis.RedisType.Hash => string.Join(',', (await db.HashGetAllAsync(key)).Select(v => $"{v.Name}={v.Value}")),
                    var other => throw new InvalidOperationException($"unexpected {other} at {key}"),
                };
                Assert.DoesNotContain(victim.Value, held, StringComparison.Ordinal);
            }
        }

        Assert.True(keys > 0);
    }

    [Fact]
    public async Task A_redelivered_event_changes_nothing()
    {
        await using var host = Host($"t{Guid.NewGuid():N}");
        var outcome = await host.Community.RecordAsync(new Activity { IdempotencyKey = "o1", Community = Shop, Member = new MemberId("ann"), Type = "order.completed", Value = 40 });
        var redis = host.Get<IRedisLeaderboards>();
        var week = new LeaderboardKey(LeaderboardKind.PointsWeek);
        Assert.Equal(40, (await redis.RankAsync(Shop, week, new MemberId("ann")))!.Score);
        foreach (var e in outcome.Effects)
        {
            Assert.False(await redis.ApplyAsync(e)); // the outbox relay already applied it
        }

        Assert.Equal(40, (await redis.RankAsync(Shop, week, new MemberId("ann")))!.Score);
        await Assert.ThrowsAsync<CommunityValidationException>(() => redis.TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score, Segment: "Wuhan"), 3).AsTask());
    }

    [Fact]
    public async Task While_redis_is_down_records_stay_fast_and_once_it_is_back_the_boards_converge_without_a_restart()
    {
        // Normal latency, with a reachable Redis (after a warm-up, so the JIT is not what is measured).
        TimeSpan normal;
        await using (var up = Host($"t{Guid.NewGuid():N}"))
        {
            await Simulate(up, seed: 1, count: 50, prefix: "warm");
            normal = Median(await Simulate(up, seed: 1, count: 100));
        }

        // A Redis that is down when the app starts (nothing listens on the port yet).
        var port = FreePort();
        await using var host = Host($"t{Guid.NewGuid():N}", $"127.0.0.1:{port},connectTimeout=500");
        var down = Median(await Simulate(host, seed: 5, count: 100));
        Assert.True(down <= normal * 2 + TimeSpan.FromMilliseconds(1), $"median record with Redis down {down.TotalMilliseconds:0.00} ms, normal {normal.TotalMilliseconds:0.00} ms");
        Assert.NotEmpty(await host.Get<Storage.ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));

        // Redis comes up: the same process reconnects, and the relay delivers what waited.
        using var redis = StartRedis(port);
        try
        {
            var boards = host.Get<IRedisLeaderboards>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!await IsUpAsync(boards))
            {
                await Task.Delay(20, deadline.Token); // the multiplexer reconnects on its own schedule
            }

            host.Clock.Advance(TimeSpan.FromHours(2)); // every backoff has passed
            await host.Get<ICommunityOutbox>().RelayPendingAsync();
            Assert.Empty(await host.Get<Storage.ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
            await AssertBoardsEqualTheSdk(host);
            Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // nothing twice
            await AssertBoardsEqualTheSdk(host);
        }
        finally
        {
            redis.Kill(entireProcessTree: true);
            await redis.WaitForExitAsync();
        }
    }

    [Fact]
    public void Redis_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(RedisLeaderboards).Assembly));

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static System.Diagnostics.Process StartRedis(int port)
    {
        var start = new System.Diagnostics.ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        return System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (./eng/test.sh installs it)");
    }

    private static async Task<bool> IsUpAsync(IRedisLeaderboards boards)
    {
        try
        {
            await boards.SizeAsync(Shop, new LeaderboardKey(LeaderboardKind.Score));
            return true;
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            return false;
        }
    }
}
