using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Badges.Tests.Fixture;

namespace CommunitySdk.Badges.Tests;

public class CriteriaTests
{
    [Fact]
    public async Task Count_grants_on_the_nth_activity_and_reports_it_in_the_outcome()
    {
        await using var host = Host(b => b.Badge("meetup-regular", "Meetup regular", BadgeCriteria.Count("meetup.checkin", 3)));
        Assert.Empty((await host.Act("ann", "meetup.checkin")).Earned());
        Assert.Empty((await host.Act("ann", "meetup.checkin")).Earned());
        Assert.Empty((await host.Act("bob", "meetup.checkin")).Earned());
        var third = await host.Act("ann", "meetup.checkin");
        var earned = Assert.Single(third.Earned());
        Assert.Equal(("meetup-regular", M("ann"), false), (earned.BadgeId, earned.Member, earned.Manual));
        Assert.Empty((await host.Act("ann", "meetup.checkin")).Earned());
        Assert.Equal(["meetup-regular"], await host.Held("ann"));
        Assert.Empty(await host.Held("bob"));
    }

    [Fact]
    public async Task Count_within_a_rolling_window_counts_only_recent_activities()
    {
        await using var host = Host(b => b.Badge("busy-week", "Busy week", BadgeCriteria.Count("post.created", 3, TimeSpan.FromDays(7))));
        var t = TestHost.Start;
        host.Clock.Advance(TimeSpan.FromDays(10));
        await host.Act("ann", "post.created", at: t);
        await host.Act("ann", "post.created", at: t.AddDays(3));
        Assert.Empty((await host.Act("ann", "post.created", at: t.AddDays(8))).Earned()); // the first fell out of the window
        Assert.Single((await host.Act("ann", "post.created", at: t.AddDays(9))).Earned());
    }

    [Fact]
    public async Task Streak_counts_consecutive_local_days_and_breaks_on_a_missed_day()
    {
        await using var host = Host(b => b.Badge("five-days", "Five days", BadgeCriteria.Streak("lesson.done", 5)), timeZone: "Asia/Shanghai");
        var shanghai = TimeSpan.FromHours(8);
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 5, 0, 0, 0, shanghai));

        // 23:30 and 00:30 Shanghai time are different local days although only an hour apart (and the same UTC day).
        var day0 = new DateTimeOffset(2026, 3, 2, 23, 30, 0, shanghai);
        await host.Act("ann", "lesson.done", at: day0);
        await host.Act("ann", "lesson.done", at: day0.AddHours(1)); // 3 March: streak 2
        await host.Act("ann", "lesson.done", at: day0.AddHours(2)); // 3 March again: no change
        await host.Act("ann", "lesson.done", at: day0.AddDays(2)); // 4 March: streak 3
        var progress = Assert.Single(await host.Badges().GetProgressAsync(Shop, M("ann")));
        Assert.Equal((3, 5, "days in a row"), (progress.Current, progress.Target, progress.Unit));

        host.Clock.Advance(TimeSpan.FromDays(1)); // 6 March local: 5 March was missed, the streak is broken
        Assert.Equal(0, Assert.Single(await host.Badges().GetProgressAsync(Shop, M("ann"))).Current);
        Assert.Empty((await host.Act("ann", "lesson.done", at: host.Clock.GetUtcNow())).Earned()); // starts again at 1

        // A clean run: 5 local days in a row at different hours.
        host.Clock.Advance(TimeSpan.FromDays(20));
        var start = new DateTimeOffset(2026, 3, 10, 0, 10, 0, shanghai); // 9 March 16:10 UTC
        for (var d = 0; d < 4; d++)
        {
            Assert.Empty((await host.Act("bob", "lesson.done", at: start.AddDays(d).AddHours(d * 5))).Earned());
        }

        Assert.Single((await host.Act("bob", "lesson.done", at: start.AddDays(4).AddHours(23))).Earned());
    }

    [Fact]
    public async Task Streak_survives_the_short_and_the_long_day_of_daylight_saving_time()
    {
        // Europe/Berlin: 29 March 2026 has 23 hours, 25 October 2026 has 25 hours.
        await using var host = Host(b => b.Badge("week", "Seven days", BadgeCriteria.Streak("login", 7)), timeZone: "Europe/Berlin");
        host.Clock.Advance(TimeSpan.FromDays(300));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        async Task<int> Run(string member, DateTime firstLocalDay, int hour)
        {
            var grants = 0;
            for (var d = 0; d < 7; d++)
            {
                var local = firstLocalDay.AddDays(d).AddHours(hour);
                var at = new DateTimeOffset(local, berlin.GetUtcOffset(local));
                grants += (await host.Act(member, "login", at: at)).Earned().Count();
            }

            return grants;
        }

        // 23:30 local every day across the spring change: in UTC the gap is 23 h once.
        Assert.Equal(1, await Run("spring", new DateTime(2026, 3, 25), 23));
        // 00:15 local every day across the autumn change: in UTC the gap is 25 h once.
        Assert.Equal(1, await Run("autumn", new DateTime(2026, 10, 22), 0));

        // A day skipped: no badge.
        var skipper = 0;
        foreach (var d in new[] { 0, 1, 2, 4, 5, 6, 7 })
        {
            var local = new DateTime(2026, 3, 25).AddDays(d).AddHours(12);
            skipper += (await host.Act("skipper", "login", at: new DateTimeOffset(local, berlin.GetUtcOffset(local)))).Earned().Count();
        }

        Assert.Equal(0, skipper);
    }

    [Fact]
    public async Task Points_earned_counts_awards_in_the_currency_and_stops_counting_reversed_awards()
    {
        await using var host = Host(b => b.Badge("big-spender", "Big spender", BadgeCriteria.PointsEarned("coins", 100), d => d.AutoRevoke = true));
        await host.Act("ann", "order.completed", key: "o1", value: 60);
        Assert.Single((await host.Act("ann", "order.completed", key: "o2", value: 50)).Earned());
        var reversal = await host.Get<IPointsService>().ReverseAsync(Shop, M("ann"), "o2", "refund", "refund-o2");
        var revoked = Assert.Single(reversal.Effects.OfType<BadgeRevoked>());
        Assert.True(revoked.Automatic);
        Assert.Empty(await host.Held("ann"));
        Assert.Single((await host.Act("ann", "order.completed", key: "o3", value: 40)).Earned()); // earned back
    }

    [Fact]
    public async Task Qualified_referrals_are_credited_to_the_inviter()
    {
        await using var host = Host(b => b.Badge("connector", "Connector", BadgeCriteria.QualifiedReferrals(2)), more: b => b.AddReferrals(_ => { }));
        await host.Join("ann");
        await host.Join("bob", inviter: "ann");
        await host.Join("cat", inviter: "ann");
        Assert.Empty((await host.Act("bob", "order.completed", value: 10)).Earned());
        var second = await host.Act("cat", "order.completed", value: 10);
        var earned = Assert.Single(second.Earned());
        Assert.Equal(M("ann"), earned.Member);
    }

    [Fact]
    public async Task Tier_and_engagement_criteria_follow_scoring_events()
    {
        await using var host = Host(
            b => b.Badge("regular", "Regular", BadgeCriteria.Tier("regular", "leader"), d => d.AutoRevoke = true)
                  .Badge("engaged", "Engaged", BadgeCriteria.Engagement(4.5)),
            more: b => b.AddScoring(s =>
            {
                s.HalfLife(TimeSpan.FromDays(1)).Weight("post.created", 2).Tier("new").Tier("regular", t => t.MinScore = 5);
                s.DemotionGrace = TimeSpan.Zero;
            }));
        await host.Act("ann", "post.created");
        await host.Act("ann", "post.created"); // engagement 4
        var third = await host.Act("ann", "post.created"); // 6: tier regular, engagement ≥ 4.5
        Assert.Equal(["engaged", "regular"], third.Earned().Select(e => e.BadgeId).Order().ToArray());

        host.Clock.Advance(TimeSpan.FromDays(3)); // decays to 0.75, one post makes 2.75 < 5: demoted at once
        var later = await host.Act("ann", "post.created");
        Assert.Contains(later.Effects, e => e is TierChanged { To: "new" });
        Assert.Equal("regular", Assert.Single(later.Effects.OfType<BadgeRevoked>()).BadgeId);
        Assert.Equal(["engaged"], await host.Held("ann")); // engagement is not auto-revoked

        var honour = await host.Badges().RevokeAsync(Shop, M("ann"), "engaged", "test", "r1");
        Assert.DoesNotContain(honour.Effects, e => e is ScoreChanged); // badge commands are not engagement
    }

    [Fact]
    public async Task Distinct_values_count_each_event_once()
    {
        await using var host = Host(b => b.Badge("explorer", "Explorer", BadgeCriteria.DistinctValues("meetup.attended", 3)));
        await host.Act("ann", "meetup.attended", attributes: Attr("event", "e1"));
        await host.Act("ann", "meetup.attended", attributes: Attr("event", "e1"));
        await host.Act("ann", "meetup.attended"); // no event attribute: ignored
        Assert.Empty((await host.Act("ann", "meetup.attended", attributes: Attr("event", "e2"))).Earned());
        Assert.Single((await host.Act("ann", "meetup.attended", attributes: Attr("event", "e3"))).Earned());
    }

    [Fact]
    public async Task First_to_do_goes_to_one_member_per_community()
    {
        await using var host = Host(b => b.Badge("pioneer", "Pioneer", BadgeCriteria.FirstToDo("review.posted")));
        await host.Act("ann", "post.created");
        Assert.Single((await host.Act("bob", "review.posted")).Earned());
        Assert.Empty((await host.Act("ann", "review.posted")).Earned());
        Assert.Empty((await host.Act("bob", "review.posted")).Earned());
        var other = await host.Community.RecordAsync(new Activity { IdempotencyKey = "x", Community = new CommunityId("other"), Member = M("cat"), Type = "review.posted" });
        Assert.Single(other.Earned()); // tenants are walls
    }

    [Fact]
    public async Task All_of_and_any_of_compose()
    {
        await using var host = Host(b => b
            .Badge("all", "All", BadgeCriteria.AllOf(BadgeCriteria.Count("post.created", 2), BadgeCriteria.Count("meetup.checkin", 1)))
            .Badge("any", "Any", BadgeCriteria.AnyOf(BadgeCriteria.Count("post.created", 3), BadgeCriteria.Count("meetup.checkin", 2))));
        await host.Act("ann", "post.created");
        await host.Act("ann", "post.created");
        var progress = (await host.Badges().GetProgressAsync(Shop, M("ann"))).ToDictionary(p => p.Badge.Id);
        Assert.Equal((2, 3), (progress["all"].Current, progress["all"].Target));
        Assert.Equal((2, 3), (progress["any"].Current, progress["any"].Target));
        Assert.Equal(["all"], (await host.Act("ann", "meetup.checkin")).Earned().Select(e => e.BadgeId));
        Assert.Equal(["any"], (await host.Act("ann", "meetup.checkin")).Earned().Select(e => e.BadgeId));
    }

    [Fact]
    public async Task A_host_criterion_folds_only_its_subscribed_types()
    {
        var criterion = new BigOrders();
        await using var host = Host(b => b.Badge("whale", "Whale", BadgeCriteria.Custom("big-orders")), more: b => b.Services.AddSingleton<IBadgeCriterion>(criterion));
        await host.Act("ann", "post.created");
        await host.Act("ann", "order.completed", value: 500);
        Assert.Empty((await host.Act("ann", "order.completed", value: 20)).Earned());
        Assert.Single((await host.Act("ann", "order.completed", value: 300)).Earned());
        Assert.Equal(["order.completed"], criterion.Seen.Distinct()); // never called for post.created, nor for the points events
    }

    private sealed class BigOrders : IBadgeCriterion
    {
        public List<string> Seen { get; } = [];

        public string Name => "big-orders";

        public IReadOnlyCollection<string> ActivityTypes => ["order.completed"];

        public IReadOnlyCollection<Type> EventTypes => [];

        public double Target => 2;

        public double Fold(double current, BadgeTrigger trigger)
        {
            Seen.Add(trigger.Event?.GetType().Name ?? trigger.Activity.Type);
            return trigger.Activity.Value >= 100 ? current + 1 : current;
        }
    }
}
