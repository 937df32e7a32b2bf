using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Scoring.Tests.Fixture;

namespace CommunitySdk.Scoring.Tests;

public class WiringTests
{
    [Fact]
    public async Task AddScoring_checks_arguments_is_safe_twice_and_a_host_scorer_wins()
    {
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddScoring(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddScoring((Action<ScoringOptions>)null!));

        var services = new ServiceCollection();
        services.AddSingleton<IMemberScorer, FlatScorer>();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddScoring(_ => { }).AddScoring(_ => { });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.Single(provider.GetServices<IActivityReactor>(), r => r.Order == 400);
        Assert.IsType<FlatScorer>(provider.GetRequiredService<IMemberScorer>());
        await provider.GetRequiredService<ICommunity>().RecordAsync(new Activity { IdempotencyKey = "k", Community = Shop, Member = M("a"), Type = "post.created" });
        Assert.Equal(42, (await provider.GetRequiredService<IScoringService>().ExplainAsync(Shop, M("a"))).Score);
        Assert.Same(provider.GetRequiredService<IScoringService>(), provider.GetRequiredService<ILeaderboards>()); // the in-process boards
    }

    [Fact]
    public void Invalid_tiers_and_weights_fail_on_start()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddScoring(s =>
        {
            s.Weight("post.created", -1);
            s.Tier("base", t => t.Endorsements = 1).Tier("base").Tier("rich", t => t.MinPoints = 10);
            s.NetworkLevels = 9;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ScoringOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("Weights:post.created", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("duplicate tier name", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("PointsCurrency is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("cannot need endorsements", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(ScoringOptions.NetworkLevels), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_rebuilds_scores_boards_ties_and_tiers_equal_to_live()
    {
        await using var host = Host(s => { s.HalfLife(TimeSpan.FromDays(5)); s.Tier("base").Tier("active", t => t.MinScore = 4); s.StrongTieThreshold = 2; }, referrals: true);
        var random = new Random(12);
        await host.Join("root", city: "Wuhan");
        for (var i = 0; i < 80; i++)
        {
            await host.Join($"m{i}", inviter: random.NextDouble() < 0.7 ? "root" : null, city: random.NextDouble() < 0.5 ? "Wuhan" : "Chengdu");
        }

        for (var i = 0; i < 400; i++)
        {
            var type = random.Next(3) switch { 0 => "post.created", 1 => "meetup.attended", _ => "order.completed" };
            await host.Act($"m{random.Next(80)}", type, value: type == "order.completed" ? random.Next(10, 90) : null,
                attributes: new Dictionary<string, string> { ["event"] = $"e{random.Next(10)}", ["subject"] = $"s{random.Next(5)}" });
            host.Clock.Advance(TimeSpan.FromHours(random.Next(1, 20)));
        }

        async Task<string> Snapshot()
        {
            var lines = new List<string>();
            foreach (var segment in new string?[] { null, "Wuhan" })
            {
                lines.AddRange((await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.Score, segment), 500)).Select(e => $"{e.Rank} {e.Member} {e.Score:R}"));
                lines.AddRange((await host.Scores().TopAsync(Shop, new LeaderboardKey(LeaderboardKind.PointsMonth, segment), 500)).Select(e => e.ToString()));
            }

            for (var i = 0; i < 80; i++)
            {
                var explanation = await host.Scores().ExplainAsync(Shop, M($"m{i}"));
                lines.Add($"{explanation.Tier} {explanation.Score:R} {string.Join(',', await host.Scores().StrongTiesAsync(Shop, M($"m{i}")))}");
            }

            lines.AddRange((await host.Scores().CohortHistoryAsync(Shop)).Select(c => c.ToString()));
            lines.AddRange((await host.Scores().HotSubjectsAsync(Shop, 5)).Select(h => $"{h.Subject} {h.Score:R}"));
            return string.Join('\n', lines);
        }

        var live = await Snapshot();
        var result = await host.Get<ICommunityReplayer>().ReplayAsync(Shop);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Failed);
        Assert.Equal(live, await Snapshot());
    }

    private sealed class FlatScorer : IMemberScorer
    {
        public IReadOnlyList<ScoreContribution> Explain(MemberScoreInputs inputs) => [new ScoreContribution("flat", 42)];
    }
}

public class PublicApiTests
{
    [Fact]
    public void Scoring_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(ScoringOptions).Assembly));
}
