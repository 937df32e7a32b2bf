using CommunitySdk.Leaderboards.Redis;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;

namespace CommunitySdk.Leaderboards.Redis.Tests;

public class RedisLeaderboardTests
{
    private static readonly CommunityId Shop = new("shop");

    /// <summary>The server comes from ./eng/test.sh (a throwaway redis-server; COMMUNITYSDK_REDIS).</summary>
    private static string Server => Environment.GetEnvironmentVariable("COMMUNITYSDK_REDIS") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("COMMUNITYSDK_REDIS is not set: run the tests with ./eng/test.sh, which starts a throwaway Redis.");

    private static TestHost Host(string prefix) => TestHost.Create(
        b => b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
              .AddScoring(s => s.HalfLife(TimeSpan.FromDays(7)).Weight("post.created", 2).Weight("order.completed", 1, perUnitOfValue: 0.01))
              .UseRedisLeaderboards(Server, r => { r.KeyPrefix = prefix; r.HalfLife = TimeSpan.FromDays(7); r.PointsCurrency = "coins"; }),
        o => o.TimeZone = "Asia/Shanghai");

    private static async Task Simulate(TestHost host, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 400; i++)
        {
            var type = random.Next(3) == 0 ? "order.completed" : "post.created";
            await host.Community.RecordAsync(new Activity
            {
                IdempotencyKey = $"a{i}",
                Community = Shop,
                Member = new MemberId($"m{random.Next(40)}"),
                Type = type,
                Value = type == "order.completed" ? random.Next(5, 200) : null,
            });
            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(5, 180)));
        }
    }

    private static async Task AssertBoardsEqualTheSdk(TestHost host)
    {
        var redis = host.Get<IRedisLeaderboards>();
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
        await Assert.ThrowsAsync<CommunityValidationException>(() => redis.TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score, Segment: "Wuhan"), 3));
    }

    [Fact]
    public void Redis_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(RedisLeaderboards).Assembly));
}
