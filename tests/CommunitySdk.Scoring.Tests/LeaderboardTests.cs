using CommunitySdk.Points;
using static CommunitySdk.Scoring.Tests.Fixture;

namespace CommunitySdk.Scoring.Tests;

public class LeaderboardTests
{
    [Fact]
    public async Task Top_rank_around_and_size_equal_a_sorted_reference_per_city()
    {
        await using var host = Host(s => s.HalfLife(TimeSpan.FromDays(3650)));
        var random = new Random(21);
        var cities = new[] { "Beijing", "Chengdu", "Wuhan" };
        var cityOf = new Dictionary<string, string>();
        for (var i = 0; i < 60; i++)
        {
            cityOf[$"m{i}"] = cities[i % 3];
            await host.Join($"m{i}", city: cities[i % 3]);
        }

        for (var i = 0; i < 600; i++)
        {
            await host.Act($"m{(int)Math.Min(59, Math.Floor(-Math.Log(1 - random.NextDouble()) * 12))}", "post.created");
        }

        var scores = new Dictionary<string, double>();
        foreach (var member in cityOf.Keys)
        {
            var score = await host.Score(member);
            if (score > 0)
            {
                scores[member] = score;
            }
        }

        // Equal scores tie-break by who was seen first (join order here).
        var joinOrder = cityOf.Keys.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        foreach (var segment in new string?[] { null, "Chengdu" })
        {
            var board = new LeaderboardKey(LeaderboardKind.Score, segment);
            var expected = scores.Where(s => segment is null || cityOf[s.Key] == segment)
                .OrderByDescending(s => Math.Round(s.Value, 9)).ThenBy(s => joinOrder[s.Key]).Select(s => s.Key).ToArray();
            Assert.Equal(expected.Length, await host.Scores().SizeAsync(Shop, board));
            Assert.Equal(expected.Take(10), (await host.Scores().TopAsync(Shop, board, 10)).Select(e => e.Member.Value));
            foreach (var (member, rank) in expected.Select((m, r) => (m, r)))
            {
                var entry = await host.Scores().RankAsync(Shop, board, M(member));
                Assert.Equal(rank + 1, entry!.Rank);
                Assert.Equal(scores[member], entry.Score, 1e-9);
            }

            var around = await host.Scores().AroundAsync(Shop, board, M(expected[5]), 2);
            Assert.Equal(expected.Skip(3).Take(5), around.Select(e => e.Member.Value));
            Assert.Equal([4, 5, 6, 7, 8], around.Select(e => e.Rank));
        }

        Assert.Null(await host.Scores().RankAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), M("nobody")));
        Assert.Empty(await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score, "Atlantis"), 5));
        Assert.Equal("count", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), 0).AsTask())).Field);
    }

    [Fact]
    public async Task Points_windows_roll_at_midnight_in_the_community_time_zone_and_refunds_leave_their_window()
    {
        // Shanghai is UTC+8: local midnight of 3 March is 16:00 UTC on 2 March.
        await using var host = Host(timeZone: "Asia/Shanghai");
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 16, 30, 0, TimeSpan.Zero));
        await host.Act("alice", "order.completed", key: "o1", at: new DateTimeOffset(2026, 3, 2, 15, 59, 0, TimeSpan.Zero), value: 30); // 2 March local
        await host.Act("bob", "order.completed", key: "o2", at: new DateTimeOffset(2026, 3, 2, 16, 0, 0, TimeSpan.Zero), value: 20);   // 3 March local
        await host.Act("alice", "order.completed", key: "o3", at: new DateTimeOffset(2026, 3, 2, 16, 10, 0, TimeSpan.Zero), value: 5);

        var day2 = new LeaderboardKey(LeaderboardKind.PointsDay, At: new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var day3 = new LeaderboardKey(LeaderboardKind.PointsDay);
        Assert.Equal([("alice", 30.0)], (await host.Scores().TopAsync(Shop, day2, 10)).Select(e => (e.Member.Value, e.Score)));
        Assert.Equal([("bob", 20.0), ("alice", 5.0)], (await host.Scores().TopAsync(Shop, day3, 10)).Select(e => (e.Member.Value, e.Score)));
        Assert.Equal([("alice", 35.0), ("bob", 20.0)], (await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.PointsWeek), 10)).Select(e => (e.Member.Value, e.Score)));
        Assert.Equal(2, await host.Scores().SizeAsync(Shop, new LeaderboardKey(LeaderboardKind.PointsMonth)));

        // Refunding the 2 March order takes its points out of 2 March's board, not today's.
        await host.Get<IPointsService>().ReverseAsync(Shop, M("alice"), "o1", "refund", "r1");
        Assert.Equal(0.0, (await host.Scores().RankAsync(Shop, day2, M("alice")))!.Score);
        Assert.Equal(5.0, (await host.Scores().RankAsync(Shop, day3, M("alice")))!.Score);
    }

    [Fact]
    public async Task The_top_k_cohort_records_joins_and_leaves_over_time()
    {
        await using var host = Host(s => { s.CohortSize = 2; s.HalfLife(TimeSpan.FromDays(3650)); });
        await host.Act("a", "post.created");
        await host.Act("b", "post.created");
        await host.Act("b", "post.created");
        await host.Act("c", "post.created");
        await host.Act("c", "post.created");
        await host.Act("c", "post.created");

        Assert.Equal([M("c"), M("b")], await host.Scores().CohortAsync(Shop));
        var history = await host.Scores().CohortHistoryAsync(Shop);
        Assert.Equal([("a", true), ("b", true), ("c", true), ("a", false)], history.Select(h => (h.Member.Value, h.Joined)));
    }

    [Fact]
    public async Task The_cohort_always_equals_the_top_k_of_the_board()
    {
        await using var host = Host(s => { s.CohortSize = 10; s.HalfLife(TimeSpan.FromDays(2)); });
        var random = new Random(77);
        for (var i = 0; i < 1500; i++)
        {
            await host.Act($"m{(int)Math.Min(80, Math.Floor(-Math.Log(1 - random.NextDouble()) * 15))}", random.Next(3) == 0 ? "meetup.attended" : "post.created");
            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(1, 240)));
            if (i % 100 == 99)
            {
                var top = (await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), 10)).Select(e => e.Member);
                Assert.Equal(top.Select(m => m.Value).Order(StringComparer.Ordinal), (await host.Scores().CohortAsync(Shop)).Select(m => m.Value).Order(StringComparer.Ordinal));
            }
        }

        var history = await host.Scores().CohortHistoryAsync(Shop);
        Assert.Equal(10, history.Count(h => h.Joined) - history.Count(h => !h.Joined));
    }

    [Fact]
    public async Task Cities_rank_by_recently_active_members_and_subjects_by_decayed_activity()
    {
        await using var host = Host(s => { s.ActiveDays = 7; s.HalfLife(TimeSpan.FromDays(1)); });
        await host.Join("w1", city: "Wuhan");
        await host.Join("w2", city: "Wuhan");
        await host.Join("c1", city: "Chengdu");
        await host.Join("x1", city: "Xi'an");
        await host.Act("x1", "post.created");
        host.Clock.Advance(TimeSpan.FromDays(8)); // x1 is no longer recent
        await host.Act("w1", "post.created", attributes: new Dictionary<string, string> { ["subject"] = "tea" });
        await host.Act("w2", "post.created", attributes: new Dictionary<string, string> { ["subject"] = "tea" });
        await host.Act("c1", "post.created", attributes: new Dictionary<string, string> { ["subject"] = "hotpot" });

        Assert.Equal([("Wuhan", 2), ("Chengdu", 1)], (await host.Scores().SegmentRankingAsync(Shop)).Select(s => (s.Segment, s.ActiveMembers)));
        var hot = await host.Scores().HotSubjectsAsync(Shop, 5);
        Assert.Equal(["tea", "hotpot"], hot.Select(h => h.Subject));
        Assert.Equal(2.0, hot[0].Score, 1e-9);
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1.0, (await host.Scores().HotSubjectsAsync(Shop, 1))[0].Score, 1e-9);
    }
}
