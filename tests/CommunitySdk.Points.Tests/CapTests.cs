using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

/// <summary>Daily/weekly caps in the community's time zone, exemptions, and cap-aware reversal.</summary>
public class CapTests
{
    // Stack Overflow's shape: reputation capped at 200 a day from votes; accepted answers are exempt.
    private static void Reputation(PointsOptions p) => p
        .Currency("reputation", configure: c => c.DailyCap = 200)
        .Rule("answer.upvoted", amount: 10)
        .Rule("answer.accepted", amount: 15, configure: r => r.ExemptFromCurrencyCap = true);

    [Fact]
    public async Task Daily_cap_cuts_awards_and_resets_at_midnight_in_the_community_time_zone()
    {
        // 2026-03-02 09:00 UTC is 17:00 in Shanghai (UTC+8); local midnight is 16:00 UTC.
        await using var host = Host(Reputation, "Asia/Shanghai");
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 15, 59, 59, TimeSpan.Zero));
        var morning = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 21; i++)
        {
            await host.Do($"v{i}", "answer.upvoted", at: morning.AddMinutes(i));
        }

        Assert.Equal(200, await host.Total("reputation"));
        var lastMinute = await host.Do("late", "answer.upvoted", at: new DateTimeOffset(2026, 3, 2, 15, 59, 59, TimeSpan.Zero));
        var withheld = Assert.IsType<PointsWithheld>(Assert.Single(lastMinute.Effects));
        Assert.Equal(10, withheld.Amount);
        Assert.Equal(new DateOnly(2026, 3, 2), Assert.Single(withheld.Caps).Period);

        var accepted = await host.Do("acc", "answer.accepted", at: new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal(15, Assert.Single(accepted.EffectsOf<PointsAwarded>()).Amount); // exempt

        // 16:00 UTC is 00:00 on 3 March in Shanghai: a new day, room again.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 16, 30, 0, TimeSpan.Zero));
        var nextDay = await host.Do("next", "answer.upvoted", at: new DateTimeOffset(2026, 3, 2, 16, 0, 0, TimeSpan.Zero));
        var award = Assert.Single(nextDay.EffectsOf<PointsAwarded>());
        Assert.Equal(10, award.Amount);
        Assert.Equal(new DateOnly(2026, 3, 3), Assert.Single(award.CapUses).Period);
        Assert.Equal(225, await host.Total("reputation"));
    }

    [Fact]
    public async Task A_partial_award_fills_the_cap_and_keeps_the_rest_withheld()
    {
        await using var host = Host(p => p.Currency("reputation").Rule("answer.upvoted", amount: 30, configure: r => r.DailyCap = 50));
        await host.Do("v1", "answer.upvoted");
        var second = await host.Do("v2", "answer.upvoted");
        var award = Assert.Single(second.EffectsOf<PointsAwarded>());
        Assert.Equal(20, award.Amount);
        Assert.Equal(10, award.Withheld);
    }

    [Fact]
    public async Task Weekly_cap_spans_days_and_resets_on_the_first_day_of_the_week()
    {
        await using var host = Host(p => p.Currency("coins", spendable: true).Rule("checkin", amount: 10, configure: r => r.WeeklyCap = 30));
        var monday = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero); // a Monday
        host.Clock.SetUtcNow(monday.AddDays(8));
        for (var day = 0; day < 7; day++)
        {
            await host.Do($"c{day}", "checkin", at: monday.AddDays(day));
        }

        Assert.Equal(30, await host.Total("coins"));
        await host.Do("next-monday", "checkin", at: monday.AddDays(7));
        Assert.Equal(40, await host.Total("coins"));
    }

    [Fact]
    public async Task Reversing_votes_that_ate_the_cap_re_credits_the_genuine_ones_the_cap_cut()
    {
        await using var host = Host(Reputation);
        var day = TestDay(host);
        for (var i = 0; i < 20; i++)
        {
            await host.Do($"fake{i}", "answer.upvoted", at: day.AddMinutes(i));
        }

        await host.Do("genuine1", "answer.upvoted", at: day.AddHours(2));
        await host.Do("genuine2", "answer.upvoted", at: day.AddHours(3));
        Assert.Equal(200, await host.Total("reputation"));

        // The fake votes are found out the next day and reversed one by one.
        host.Clock.Advance(TimeSpan.FromDays(1));
        var first = await host.Service().ReverseAsync(Shop, Alice, "fake0", "voting fraud", "rev-fake0");
        var reversed = Assert.Single(first.EffectsOf<PointsReversed>());
        Assert.Equal(-10, reversed.Amount);
        var recredit = Assert.Single(first.EffectsOf<PointsAwarded>());
        Assert.Equal(10, recredit.Amount);
        Assert.Equal("genuine1", recredit.SourceKey);
        Assert.Equal(day.Date, recredit.CapUses[0].Period.ToDateTime(TimeOnly.MinValue)); // the room of the day it was cut

        await host.Service().ReverseAsync(Shop, Alice, "fake1", "voting fraud", "rev-fake1");
        var third = await host.Service().ReverseAsync(Shop, Alice, "fake2", "voting fraud", "rev-fake2");
        Assert.Empty(third.EffectsOf<PointsAwarded>()); // nothing left withheld
        Assert.Equal(190, await host.Total("reputation")); // 17 fake + 2 genuine

        // Reversing again, under any key, is a no-op.
        var again = await host.Service().ReverseAsync(Shop, Alice, "fake0", "voting fraud", "rev-fake0-again");
        Assert.Empty(again.Effects.OfType<PointsLedgerEvent>());
        Assert.Equal(190, await host.Total("reputation"));

        // A genuine vote today still has today's full room.
        await host.Do("today", "answer.upvoted");
        Assert.Equal(200, await host.Total("reputation"));
    }

    [Fact]
    public async Task A_refunded_activity_whose_award_was_withheld_is_never_re_credited()
    {
        await using var host = Host(p => p.Currency("reputation").Rule("answer.upvoted", amount: 10, configure: r => r.DailyCap = 20));
        var day = TestDay(host);
        await host.Do("a", "answer.upvoted", at: day);
        await host.Do("b", "answer.upvoted", at: day.AddMinutes(1));
        await host.Do("c", "answer.upvoted", at: day.AddMinutes(2)); // withheld
        var cancel = await host.Service().ReverseAsync(Shop, Alice, "c", "vote retracted", "rev-c");
        Assert.IsType<PointsWithheldCancelled>(Assert.Single(cancel.Effects, e => e is not ActivityReversed));

        var rev = await host.Service().ReverseAsync(Shop, Alice, "a", "vote retracted", "rev-a");
        Assert.Empty(rev.EffectsOf<PointsAwarded>());
        Assert.Equal(10, await host.Total("reputation"));
    }

    [Theory]
    [InlineData(2, 10)] // e was not kept: nothing left to re-credit
    [InlineData(16, 20)] // the default keeps e
    public async Task Only_the_first_withheld_awards_of_a_period_are_kept_for_re_credit(int kept, decimal expected)
    {
        await using var host = Host(p =>
        {
            p.Currency("reputation").Rule("answer.upvoted", amount: 10, configure: r => r.DailyCap = 20);
            p.MaxWithheldPerPeriod = kept;
        });
        var day = TestDay(host);
        string[] votes = ["a", "b", "c", "d", "e"]; // a and b fill the cap; c, d and e are withheld
        for (var i = 0; i < votes.Length; i++)
        {
            await host.Do(votes[i], "answer.upvoted", at: day.AddMinutes(i));
        }

        Assert.Equal("c", Assert.Single((await host.Service().ReverseAsync(Shop, Alice, "a", "fraud", "rev-a")).EffectsOf<PointsAwarded>()).SourceKey);
        Assert.Equal("d", Assert.Single((await host.Service().ReverseAsync(Shop, Alice, "b", "fraud", "rev-b")).EffectsOf<PointsAwarded>()).SourceKey);
        await host.Service().ReverseAsync(Shop, Alice, "c", "fraud", "rev-c"); // frees c's re-credited room: e's turn, if kept
        Assert.Equal(expected, await host.Total("reputation"));
    }

    private static DateTimeOffset TestDay(Testing.TestHost host)
    {
        var day = host.Clock.GetUtcNow().Date;
        var start = new DateTimeOffset(day, TimeSpan.Zero).AddHours(10); // after the host's 09:00 start
        host.Clock.SetUtcNow(start.AddHours(5));
        return start;
    }
}
