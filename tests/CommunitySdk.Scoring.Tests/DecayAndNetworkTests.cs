using CommunitySdk.Scoring.Internal;
using static CommunitySdk.Scoring.Tests.Fixture;

namespace CommunitySdk.Scoring.Tests;

public class DecayAndNetworkTests
{
    [Fact]
    public async Task Decayed_score_equals_a_brute_force_recomputation_at_any_fake_time()
    {
        var halfLife = TimeSpan.FromDays(7);
        await using var host = Host(s => s.HalfLife(halfLife).Weight("post.created", 3).Weight("order.completed", 2, perUnitOfValue: 0.01).Weight("like", 0.5));
        var random = new Random(17);
        var history = new List<(string Member, DateTimeOffset At, double Weight)>();
        var types = new[] { ("post.created", 3.0, 0m), ("order.completed", 2.0, 150m), ("like", 0.5, 0m) };
        for (var i = 0; i < 400; i++)
        {
            var member = $"m{random.Next(12)}";
            var (type, weight, value) = types[random.Next(types.Length)];
            var at = host.Clock.GetUtcNow().AddMinutes(-random.Next(0, 300));
            await host.Act(member, type, at: at, value: value == 0 ? null : value);
            history.Add((member, at, weight + (value == 0 ? 0 : 0.01 * (double)value)));
            host.Clock.Advance(TimeSpan.FromHours(random.Next(1, 30)));
        }

        foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromDays(3), TimeSpan.FromDays(90), TimeSpan.FromDays(400) })
        {
            host.Clock.Advance(later);
            var now = host.Clock.GetUtcNow();
            foreach (var member in history.Select(h => h.Member).Distinct())
            {
                var brute = history.Where(h => h.Member == member).Sum(h => h.Weight * Math.Pow(2, -(now - h.At).TotalSeconds / halfLife.TotalSeconds));
                var score = await host.Score(member);
                Assert.True(Math.Abs(score - brute) <= 1e-9 * Math.Abs(brute), $"{member}: {score} vs {brute}");
            }
        }
    }

    [Fact]
    public async Task Ranks_do_not_change_as_the_clock_moves_and_a_rebase_keeps_values()
    {
        await using var host = Host(s => s.HalfLife(TimeSpan.FromHours(1)));
        for (var i = 0; i < 30; i++)
        {
            await host.Act($"m{i % 6}", "post.created");
        }

        var before = await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), 6);
        host.Clock.Advance(TimeSpan.FromDays(10));
        var after = await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), 6);
        Assert.Equal(before.Select(e => e.Member), after.Select(e => e.Member));

        // 60 days at a 1-hour half-life pushes the exponent past the rebase point: values must survive it.
        host.Clock.Advance(TimeSpan.FromDays(50));
        await host.Act("late", "post.created");
        await host.Act("late", "post.created");
        await host.Act("m0", "post.created");
        Assert.Equal(2, await host.Score("late"), 1e-9);
        Assert.Equal(1, await host.Score("m0"), 1e-9);
        var top = await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score), 2);
        Assert.Equal([M("late"), M("m0")], top.Select(e => e.Member));
    }

    [Fact]
    public async Task Network_value_flows_up_at_most_L_levels_and_equals_the_exact_bottom_up_pass()
    {
        await using var host = Host(s => { s.NetworkLevels = 2; s.NetworkDiscount = 0.5; s.NetworkWeight = 1; s.HalfLife(TimeSpan.FromDays(3650)); }, referrals: true);
        await host.Join("a");
        await host.Join("b", inviter: "a");
        await host.Join("c", inviter: "b");
        await host.Join("d", inviter: "c");
        await host.Act("d", "post.created");

        var d = await host.Scores().ExplainAsync(Shop, M("d"));
        var c = await host.Scores().ExplainAsync(Shop, M("c"));
        var b = await host.Scores().ExplainAsync(Shop, M("b"));
        var a = await host.Scores().ExplainAsync(Shop, M("a"));
        Assert.Equal(1, d.Score, 1e-6);
        Assert.Equal(0.5, c.Network, 1e-6);
        Assert.Equal(0.25, b.Network, 1e-6);
        Assert.Equal(0, a.Network); // three levels up: beyond L = 2

        // Random forest: incremental network values equal one exact sweep.
        var random = new Random(9);
        for (var i = 0; i < 150; i++)
        {
            await host.Join($"n{i}", inviter: random.NextDouble() < 0.8 ? (i == 0 ? "a" : $"n{random.Next(i)}") : null);
            await host.Act($"n{random.Next(i + 1)}", "post.created");
        }

        var projection = host.Get<ScoringProjection>();
        var (incremental, exact) = await projection.ReadAsync(Shop, (s, members) =>
        {
            var before = s.Hot.Take(members.Count).Select(h => h.Network).ToArray();
            s.RecomputeNetwork();
            return (before, s.Hot.Take(members.Count).Select(h => h.Network).ToArray());
        });
        Assert.Equal(exact.Length, incremental.Length);
        for (var i = 0; i < exact.Length; i++)
        {
            Assert.Equal(exact[i], incremental[i], 1e-9 * Math.Max(1, exact[i]));
        }
    }

    [Fact]
    public void Whole_forest_influence_equals_brute_force_for_bounded_and_unbounded_levels()
    {
        var random = new Random(4);
        var parent = new List<int>();
        var value = new List<double>();
        for (var i = 0; i < 3000; i++)
        {
            parent.Add(i == 0 || random.NextDouble() < 0.05 ? -1 : random.NextDouble() < 0.3 ? i - 1 : random.Next(i));
            value.Add(random.Next(0, 10));
        }

        foreach (var levels in new[] { 1, 3, int.MaxValue })
        {
            var fast = ForestInfluence.Descendants(parent, value, 0.6, levels);
            for (var v = 0; v < parent.Count; v += 7)
            {
                var brute = 0.0;
                for (var u = 0; u < parent.Count; u++)
                {
                    var level = 0;
                    for (var a = parent[u]; a >= 0; a = parent[a])
                    {
                        level++;
                        if (a == v && level <= levels)
                        {
                            brute += Math.Pow(0.6, level) * value[u];
                            break;
                        }
                    }
                }

                Assert.Equal(brute, fast[v], 1e-9 * Math.Max(1, brute));
            }
        }
    }

    [Fact]
    public async Task The_explanation_adds_up_to_the_score()
    {
        await using var host = Host(s => { s.Weight("post.created", 2).Weight("meetup.attended", 5); s.StrongTieBonus = 3; s.StrongTieThreshold = 1; }, referrals: true);
        await host.Join("a");
        await host.Join("b", inviter: "a");
        await host.Act("a", "post.created");
        await host.Act("a", "meetup.attended", attributes: new Dictionary<string, string> { ["event"] = "e1" });
        await host.Act("b", "meetup.attended", attributes: new Dictionary<string, string> { ["event"] = "e1" });
        host.Clock.Advance(TimeSpan.FromDays(5));

        var explanation = await host.Scores().ExplainAsync(Shop, M("a"));
        Assert.Equal(explanation.Score, explanation.Contributions.Sum(c => c.Value), 1e-12);
        Assert.Equal(["activity:meetup.attended", "activity:post.created", "network", "strong-ties"], explanation.Contributions.Select(c => c.Name));
        Assert.Equal(3, explanation.Contributions[^1].Value);
    }
}
