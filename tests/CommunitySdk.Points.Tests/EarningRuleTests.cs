using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

public class EarningRuleTests
{
    [Fact]
    public async Task Fixed_per_unit_first_time_and_max_per_activity_rules()
    {
        await using var host = Host(p => p
            .Currency("coins", spendable: true)
            .Rule("order.completed", perUnit: 0.1m, configure: r => r.MaxPerActivity = 50)
            .Rule("post.created", amount: 2)
            .Rule("profile.completed", amount: 25, configure: r => r.FirstTimeOnly = true));

        var order = await host.Do("o1", "order.completed", value: 129.90m);
        Assert.Equal(12, Assert.Single(order.EffectsOf<PointsAwarded>()).Amount); // 1 coin per 10 spent, rounded down
        await host.Do("o2", "order.completed", value: 5000m);                       // would be 500, capped at 50 per activity
        await host.Do("p1", "post.created");
        await host.Do("c1", "profile.completed");
        var second = await host.Do("c2", "profile.completed");
        Assert.Empty(second.EffectsOf<PointsAwarded>());
        await host.Do("o3", "order.completed", value: 9.99m);                       // 0.999 rounds down to nothing

        Assert.Equal(12 + 50 + 2 + 25, await host.Total("coins"));
        var ledger = await host.Ledger();
        Assert.Equal([12m, 50m, 2m, 25m], ledger.Select(e => e.Amount));
        Assert.All(ledger, e => Assert.Equal("Awarded", e.Kind));
        Assert.Equal("rule order.completed", ledger[0].Reason);
    }

    [Fact]
    public async Task Rules_apply_per_currency_and_outcome_lists_every_effect()
    {
        await using var host = Host(p => p
            .Currency("reputation")
            .Currency("coins", spendable: true)
            .Rule("answer.accepted", amount: 15, currency: "reputation")
            .Rule("answer.accepted", amount: 3, currency: "coins"));

        var outcome = await host.Do("a1", "answer.accepted");
        Assert.Equal([("reputation", 15m), ("coins", 3m)], outcome.EffectsOf<PointsAwarded>().Select(a => (a.Currency, a.Amount)));
        Assert.Equal(["answer.accepted:reputation", "answer.accepted:coins"], outcome.EffectsOf<PointsAwarded>().Select(a => a.RuleId!));
        var balances = await host.Service().GetBalancesAsync(Shop, Alice);
        Assert.Equal([("reputation", 15m), ("coins", 3m)], balances.Select(b => (b.Currency, b.Total)));
    }

    [Fact]
    public async Task Earned_in_a_window_counts_awards_minus_reversals_not_spending()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
        var start = host.Clock.GetUtcNow();
        await host.Do("o1", "order.completed", value: 100);
        host.Clock.Advance(TimeSpan.FromDays(1));
        await host.Do("o2", "order.completed", value: 40);
        await host.Service().SpendAsync(Shop, Alice, "coins", 30, "voucher", "s1");
        await host.Service().ReverseAsync(Shop, Alice, "o1", "refund", "r1");

        Assert.Equal(40, await host.Service().GetEarnedAsync(Shop, Alice, "coins", start, start.AddDays(2)));
        Assert.Equal(40, await host.Service().GetEarnedAsync(Shop, Alice, "coins", start.AddDays(1), start.AddDays(2)));
        Assert.Equal(0, await host.Service().GetEarnedAsync(Shop, Alice, "coins", start.AddDays(3), start.AddDays(4)));
    }
}
