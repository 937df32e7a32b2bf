using CommunitySdk.Testing;
using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

public class SpendAndExpiryTests
{
    [Fact]
    public async Task Spending_draws_the_earliest_expiring_lots_first()
    {
        await using var host = Host(p => p
            .Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 90; }));
        var service = host.Service();
        await service.AwardAsync(Shop, Alice, "coins", 100, "welcome", "a1");   // expires day 90
        host.Clock.Advance(TimeSpan.FromDays(30));
        await service.AwardAsync(Shop, Alice, "coins", 50, "campaign", "a2");   // expires day 120

        var spent = await service.SpendAsync(Shop, Alice, "coins", 120, "voucher", "s1");
        var draws = Assert.Single(spent.EffectsOf<PointsSpent>()).Draws;
        Assert.Equal([(1L, 100m), (2L, 20m)], draws.Select(d => (d.ActivityId, d.Amount)));

        var upcoming = await service.GetUpcomingExpiriesAsync(Shop, Alice, "coins");
        var lot = Assert.Single(upcoming);
        Assert.Equal(30, lot.Remaining);
        Assert.Equal(TestHost.Start.AddDays(120), lot.ExpiresAt);
    }

    [Fact]
    public async Task Every_upcoming_lot_is_listed_earliest_first_not_only_the_next()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 60; }));
        var service = host.Service();
        await service.AwardAsync(Shop, Alice, "coins", 10, "first", "a1");
        host.Clock.Advance(TimeSpan.FromDays(10));
        await service.AwardAsync(Shop, Alice, "coins", 20, "second", "a2");
        host.Clock.Advance(TimeSpan.FromDays(5));
        await service.AwardAsync(Shop, Alice, "coins", 30, "third", "a3");

        var upcoming = await service.GetUpcomingExpiriesAsync(Shop, Alice, "coins");
        Assert.Equal(
            [(10m, TestHost.Start.AddDays(60)), (20m, TestHost.Start.AddDays(70)), (30m, TestHost.Start.AddDays(75))],
            upcoming.Select(u => (u.Remaining, u.ExpiresAt)));
    }

    [Theory]
    [InlineData(ExpiryMode.EndOfMonth, "2026-03-31T15:59:59Z", "2026-03-31T16:00:00Z")] // midnight 1 April in Shanghai
    [InlineData(ExpiryMode.EndOfYear, "2026-12-31T15:59:59Z", "2026-12-31T16:00:00Z")]
    public async Task Calendar_expiry_is_cut_at_local_midnight_and_the_sweep_writes_it_once(ExpiryMode mode, string before, string after)
    {
        await using var host = Host(p => p.Currency("coins", spendable: true, c => c.Expiry = mode), "Asia/Shanghai");
        var service = host.Service();
        await service.AwardAsync(Shop, Alice, "coins", 40, "promo", "a1");

        host.Clock.SetUtcNow(DateTimeOffset.Parse(before, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, await service.SweepExpiryAsync(Shop));
        Assert.Equal(40, (await host.Balance("coins")).Available);

        host.Clock.SetUtcNow(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));
        var balance = await host.Balance("coins");
        Assert.Equal(0, balance.Available); // expired, not yet swept
        Assert.Equal(40, balance.Total);    // the ledger still says 40 until the sweep writes the entry

        Assert.Equal(1, await service.SweepExpiryAsync(Shop));
        Assert.Equal(0, await service.SweepExpiryAsync(Shop));
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await service.SweepExpiryAsync(Shop));

        var ledger = await host.Ledger();
        Assert.Equal([40m, -40m], ledger.Select(e => e.Amount));
        Assert.Equal("Expired", ledger[1].Kind);
        Assert.Equal(0, await host.Total("coins"));
    }

    [Fact]
    public async Task Expiring_notice_is_written_once_n_days_ahead()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true, c =>
        {
            c.Expiry = ExpiryMode.AfterDays;
            c.ExpiryDays = 30;
            c.ExpiringNoticeDays = 7;
        }));
        var service = host.Service();
        await service.AwardAsync(Shop, Alice, "coins", 25, "promo", "a1");
        host.Clock.Advance(TimeSpan.FromDays(22));
        Assert.Equal(0, await service.SweepExpiryAsync(Shop));

        host.Clock.Advance(TimeSpan.FromDays(1)); // 7 days left
        Assert.Equal(1, await service.SweepExpiryAsync(Shop));
        Assert.Equal(0, await service.SweepExpiryAsync(Shop));
        var history = await host.Community.GetHistoryAsync(Shop, Alice);
        var notice = Assert.Single(history.Items.SelectMany(i => i.Events).OfType<PointsExpiring>());
        Assert.Equal(25, notice.Amount);
        Assert.Equal(TestHost.Start.AddDays(30), notice.ExpiresAt);
        Assert.Equal(25, await host.Total("coins")); // a notice is not a ledger entry
    }

    [Fact]
    public async Task Pending_points_wait_out_the_return_window_before_they_can_be_spent()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true, c => c.PendingDays = 14).Rule("order.completed", perUnit: 1));
        await host.Do("o1", "order.completed", value: 80);

        var balance = await host.Balance("coins");
        Assert.Equal((80m, 0m, 80m), (balance.Total, balance.Available, balance.Pending));
        var ex = await Assert.ThrowsAsync<InsufficientPointsException>(() => host.Service().SpendAsync(Shop, Alice, "coins", 10, "x", "s1").AsTask());
        Assert.Equal(0, ex.Available);

        host.Clock.Advance(TimeSpan.FromDays(14));
        Assert.Equal(80, (await host.Balance("coins")).Available);
        await host.Service().SpendAsync(Shop, Alice, "coins", 10, "x", "s1");
        Assert.Equal(70, (await host.Balance("coins")).Available);
    }

    [Fact]
    public async Task Refund_after_spending_takes_back_only_what_is_left_and_never_goes_below_zero()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
        await host.Do("o1", "order.completed", value: 100);
        await host.Service().SpendAsync(Shop, Alice, "coins", 70, "voucher", "s1");

        var refund = await host.Service().ReverseAsync(Shop, Alice, "o1", "order refunded", "r1");
        var reversal = Assert.Single(refund.EffectsOf<PointsReversed>());
        Assert.Equal(-30, reversal.Amount);
        Assert.Equal(70, reversal.Unrecovered);
        Assert.Equal(0, await host.Total("coins"));
        Assert.Equal("order refunded", (await host.Ledger())[^1].Reason);
    }

    [Fact]
    public async Task A_hundred_parallel_spends_never_overdraw()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true));
        await host.Service().AwardAsync(Shop, Alice, "coins", 500, "seed", "seed");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            try
            {
                await host.Service().SpendAsync(Shop, Alice, "coins", 10, "parallel", $"spend-{i}");
                return true;
            }
            catch (InsufficientPointsException)
            {
                return false;
            }
        })));

        Assert.Equal(50, results.Count(ok => ok));
        var balance = await host.Balance("coins");
        Assert.Equal(0, balance.Total);
        Assert.Equal(0, balance.Available);
        Assert.Equal(51, await host.LastActivity());
    }

    [Fact]
    public async Task Retrying_a_spend_returns_the_first_outcome_and_spends_once()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true));
        await host.Service().AwardAsync(Shop, Alice, "coins", 100, "seed", "seed");
        var first = await host.Service().SpendAsync(Shop, Alice, "coins", 60, "voucher", "s1");
        var retry = await host.Service().SpendAsync(Shop, Alice, "coins", 60, "voucher", "s1");

        Assert.True(retry.IsDuplicate);
        Assert.Equal(first.ActivityId, retry.ActivityId);
        Assert.Equal(40, await host.Total("coins"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => host.Service().SpendAsync(Shop, Alice, "coins", 61, "voucher", "s1").AsTask());
    }

    [Fact]
    public async Task Operator_award_and_deduct_need_a_reason_and_deduct_cannot_go_below_zero()
    {
        await using var host = Host(p => p.Currency("reputation"));
        var service = host.Service();
        await service.AwardAsync(Shop, Alice, "reputation", 30, "popcorn award for the meetup photos", "h1");
        await service.DeductAsync(Shop, Alice, "reputation", 10, "spam post", "d1");
        Assert.Equal(20, await host.Total("reputation"));
        var ex = await Assert.ThrowsAsync<InsufficientPointsException>(() => service.DeductAsync(Shop, Alice, "reputation", 21, "x", "d2").AsTask());
        Assert.Equal("amount", ex.Field);
        Assert.Equal(20, ex.Available);
        Assert.Equal("reason", (await Assert.ThrowsAsync<CommunityValidationException>(() => service.AwardAsync(Shop, Alice, "reputation", 1, " ", "h2").AsTask())).Field);

        var ledger = await host.Ledger();
        Assert.Equal(["Awarded", "Deducted"], ledger.Select(e => e.Kind));
        Assert.Equal("spam post", ledger[1].Reason);
    }
}
