using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

public class BadInputTests
{
    private static Testing.TestHost NewHost() => Host(p => p
        .Currency("coins", spendable: true, c => c.Decimals = 2)
        .Currency("reputation")
        .Rule("order.completed", perUnit: 0.1m, currency: "coins"));

    public static TheoryData<string, Func<IPointsService, Task>> BadCommands() => new()
    {
        { "currency", s => s.AwardAsync(Shop, Alice, "gold", 5, "r", "k").AsTask() },
        { "currency", s => s.SpendAsync(Shop, Alice, "reputation", 5, "r", "k").AsTask() },
        { "currency", s => s.GetBalanceAsync(Shop, Alice, "gold").AsTask() },
        { "amount", s => s.AwardAsync(Shop, Alice, "coins", 0, "r", "k").AsTask() },
        { "amount", s => s.AwardAsync(Shop, Alice, "coins", -5, "r", "k").AsTask() },
        { "amount", s => s.SpendAsync(Shop, Alice, "coins", -1, "r", "k").AsTask() },
        { "amount", s => s.AwardAsync(Shop, Alice, "coins", 1.005m, "r", "k").AsTask() },
        { "amount", s => s.AwardAsync(Shop, Alice, "coins", 1_000_000_000_001m, "r", "k").AsTask() },
        { "amount", s => s.SpendAsync(Shop, Alice, "coins", 1, "r", "k").AsTask() },
        { "reason", s => s.AwardAsync(Shop, Alice, "coins", 5, "", "k").AsTask() },
        { "reason", s => s.DeductAsync(Shop, Alice, "coins", 5, new string('r', 257), "k").AsTask() },
        { "source", s => s.ReverseAsync(Shop, Alice, "never-recorded", "refund", "k").AsTask() },
        { "source", s => s.ReverseAsync(Shop, Alice, "", "refund", "k").AsTask() },
        { "activity.idempotencyKey", s => s.AwardAsync(Shop, Alice, "coins", 5, "r", "").AsTask() },
        { "request.pageSize", s => s.GetHistoryAsync(Shop, Alice, new LedgerPageRequest(PageSize: 0)).AsTask() },
        { "windowEnd", s => s.GetEarnedAsync(Shop, Alice, "coins", DateTimeOffset.MaxValue, DateTimeOffset.MinValue).AsTask() },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public async Task Each_bad_input_is_a_typed_error_naming_the_field_and_nothing_is_written(string field, Func<IPointsService, Task> command)
    {
        await using var host = NewHost();
        await host.Service().AwardAsync(Shop, Bob, "coins", 10, "seed", "seed");
        var before = await host.LastActivity();

        var ex = await Assert.ThrowsAnyAsync<CommunityValidationException>(() => command(host.Service()));

        Assert.Equal(field, ex.Field);
        Assert.Equal(before, await host.LastActivity());
        Assert.Equal(0, await host.Total("coins"));
        Assert.Equal(10, await host.Total("coins", Bob));
    }

    [Fact]
    public async Task Commands_recorded_directly_as_activities_are_validated_by_the_reactor_too()
    {
        await using var host = NewHost();
        var noCurrency = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Do("x1", PointsActivityTypes.Award, value: 5));
        Assert.Equal("currency", noCurrency.Field);
        var noAmount = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Community.RecordAsync(new Activity
        {
            IdempotencyKey = "x2",
            Community = Shop,
            Member = Alice,
            Type = PointsActivityTypes.Spend,
            Attributes = new Dictionary<string, string> { ["currency"] = "coins", ["reason"] = "r" },
        }).AsTask());
        Assert.Equal("amount", noAmount.Field);
        Assert.Equal(0, await host.LastActivity());
    }

    [Fact]
    public async Task Overflowing_the_balance_is_refused()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true));
        for (var i = 0; i < 1000; i++)
        {
            await host.Service().AwardAsync(Shop, Alice, "coins", 1_000_000_000_000m, "whale", $"w{i}");
        }

        var ex = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Service().AwardAsync(Shop, Alice, "coins", 1, "one more", "w-last").AsTask());
        Assert.Equal("amount", ex.Field);
        Assert.Equal(1_000_000_000_000_000m, await host.Total("coins"));
    }
}
