using CommunitySdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

public class OptionsAndWiringTests
{
    private static OptionsValidationException Invalid(Action<PointsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints(configure);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IPointsService>());
    }

    [Theory]
    [InlineData("at least one currency")]
    public void No_currency_fails(string expected) =>
        Assert.Contains(Invalid(_ => { }).Failures, f => f.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void Invalid_definitions_fail_on_start_naming_the_item_and_the_reason()
    {
        var failures = Invalid(p => p
            .Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.Decimals = 9; })
            .Currency("coins")
            .Currency("reputation", configure: c => c.ExpiringNoticeDays = 3)
            .Rule("order.completed", amount: 5, perUnit: 1, currency: "coins")
            .Rule("post.created", amount: 1)
            .Rule("vote", amount: 1, currency: "gold")
            .Rule("points.spend", amount: 1, currency: "coins")
            .Rule("x", amount: 1, currency: "coins", configure: r => { r.Id = "dup"; r.DailyCap = -1; })
            .Rule("y", amount: 1, currency: "coins", configure: r => r.Id = "dup")).Failures.ToArray();

        Assert.Contains(failures, f => f.Contains("Currencies[0] 'coins'", StringComparison.Ordinal) && f.Contains("ExpiryDays", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Currencies[0] 'coins'", StringComparison.Ordinal) && f.Contains("Decimals", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Currencies[1] 'coins'", StringComparison.Ordinal) && f.Contains("duplicate", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'reputation'", StringComparison.Ordinal) && f.Contains("ExpiringNoticeDays", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'order.completed'", StringComparison.Ordinal) && f.Contains("exactly one of Amount and PerUnit", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'post.created'", StringComparison.Ordinal) && f.Contains("Currency is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'vote'", StringComparison.Ordinal) && f.Contains("'gold' is not declared", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'points.spend'", StringComparison.Ordinal) && f.Contains("points command", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("duplicate rule id 'dup'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'dup'", StringComparison.Ordinal) && f.Contains("DailyCap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Currencies_and_rules_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Community:Points:Currencies:0:Name"] = "coins",
            ["Community:Points:Currencies:0:Spendable"] = "true",
            ["Community:Points:Currencies:0:Expiry"] = "AfterDays",
            ["Community:Points:Currencies:0:ExpiryDays"] = "365",
            ["Community:Points:Rules:0:ActivityType"] = "order.completed",
            ["Community:Points:Rules:0:PerUnit"] = "0.1",
            ["Community:Points:Rules:0:DailyCap"] = "100",
        }).Build();
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints(configuration.GetSection(PointsOptions.SectionName));
        await using var provider = services.BuildServiceProvider();

        var outcome = await provider.GetRequiredService<ICommunity>().RecordAsync(new Activity
        {
            IdempotencyKey = "o1", Community = Shop, Member = Alice, Type = "order.completed", Value = 2000,
        });
        var award = Assert.Single(outcome.EffectsOf<PointsAwarded>());
        Assert.Equal(100, award.Amount);
        Assert.Equal(100, award.Withheld);
        Assert.NotNull(award.ExpiresAt);
    }

    [Fact]
    public async Task AddPoints_checks_arguments_is_safe_twice_and_registers_singletons()
    {
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddPoints(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints((Action<PointsOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints((IConfiguration)null!));

        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints(p => p.Currency("coins", spendable: true)).AddPoints(_ => { });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.Single(provider.GetServices<IActivityReactor>(), r => r.Order == 100);
        Assert.Empty(provider.GetServices<ICommunityProjection>()); // points is a CommunityProjection<T>, registered once
        Assert.Equal(2, services.Count(d => d.ServiceType.Name == "ProjectionRegistration")); // the core's reversals + points
        Assert.Same(provider.GetRequiredService<Internal.PointsProjection>(), provider.GetRequiredService<Internal.PointsProjection>());
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IValidateOptions<PointsOptions>) && d.ImplementationType?.Name == "PointsOptionsValidator"));
        foreach (var type in new[] { typeof(IPointsService), typeof(IPointsReader), typeof(IPointsAwarder) })
        {
            Assert.Same(provider.GetRequiredService(type), provider.GetRequiredService(type));
            Assert.Equal(ServiceLifetime.Singleton, services.Single(d => d.ServiceType == type).Lifetime);
        }

        Assert.Same(provider.GetRequiredService<IPointsService>(), provider.GetRequiredService<IPointsReader>());
    }

    /// <summary>Another feature (like referrals) rewarding an inviter in the same unit of work.</summary>
    public sealed class InviterRewardReactor(IPointsAwarder awarder) : IActivityReactor
    {
        public int Order => 300;

        public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            if (context.Activity.Type is "order.completed" or "boom")
            {
                awarder.Award(context, new MemberId("inviter"), "coins", 5, "referral reward");
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Other_features_award_in_the_same_unit_of_work_and_roll_back_with_it()
    {
        await using var host = Host(
            p => p.Currency("coins", spendable: true).Rule("order.completed", amount: 10),
            more: b => b.AddReactor<InviterRewardReactor>().AddReactor<ThrowingReactor>());

        var outcome = await host.Do("o1", "order.completed");
        Assert.Equal([("alice", 10m), ("inviter", 5m)], outcome.EffectsOf<PointsAwarded>().Select(a => (a.Member.Value, a.Amount)));
        Assert.Equal(5, await host.Total("coins", new MemberId("inviter")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Do("b1", "boom"));
        Assert.Equal(5, await host.Total("coins", new MemberId("inviter")));

        // Reversing the order claws back every award made for it, the inviter's included.
        await host.Service().ReverseAsync(Shop, Alice, "o1", "refund", "r1");
        Assert.Equal(0, await host.Total("coins", new MemberId("inviter")));
        Assert.Equal(0, await host.Total("coins"));
    }

    [Fact]
    public async Task Replay_rebuilds_balances_history_caps_and_lots_equal_to_live()
    {
        await using var host = Host(p => p
            .Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 20; c.PendingDays = 2; })
            .Currency("reputation", configure: c => c.DailyCap = 40)
            .Rule("order.completed", perUnit: 0.5m, currency: "coins")
            .Rule("answer.upvoted", amount: 10, currency: "reputation"));
        var members = new[] { Alice, Bob, new MemberId("carol") };
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var member = members[random.Next(members.Length)];
            switch (random.Next(5))
            {
                case 0:
                    await host.Do($"o{i}", "order.completed", member, value: random.Next(10, 200));
                    break;
                case 1:
                    await host.Do($"v{i}", "answer.upvoted", member);
                    break;
                case 2:
                    var available = (await host.Balance("coins", member)).Available;
                    if (available > 0)
                    {
                        await host.Service().SpendAsync(Shop, member, "coins", Math.Ceiling(available / 2), "spend", $"s{i}");
                    }

                    break;
                case 3:
                    var victim = $"v{random.Next(i + 1)}";
                    try
                    {
                        await host.Service().ReverseAsync(Shop, member, victim, "fraud", $"r{i}");
                    }
                    catch (CommunityValidationException)
                    {
                    }

                    break;
                default:
                    await host.Service().SweepExpiryAsync(Shop);
                    break;
            }

            host.Clock.Advance(TimeSpan.FromHours(random.Next(1, 30)));
        }

        async Task<string> Snapshot()
        {
            var lines = new List<string>();
            foreach (var member in members)
            {
                lines.AddRange((await host.Service().GetBalancesAsync(Shop, member)).Select(b => $"{member} {b}"));
                lines.AddRange((await host.Ledger(member)).Select(e => $"{member} {e}"));
                lines.AddRange((await host.Service().GetUpcomingExpiriesAsync(Shop, member, "coins")).Select(e => $"{member} {e}"));
            }

            return string.Join('\n', lines);
        }

        var live = await Snapshot();
        var result = await host.Get<ICommunityReplayer>().ReplayAsync(Shop);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Failed);
        Assert.Equal(live, await Snapshot());
        Assert.Contains("Reversed", live, StringComparison.Ordinal);
        Assert.Contains("Spent", live, StringComparison.Ordinal);
    }
}
