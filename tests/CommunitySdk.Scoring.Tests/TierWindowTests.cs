using CommunitySdk.Testing;
using FsCheck.Xunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Scoring.Tests.Fixture;

namespace CommunitySdk.Scoring.Tests;

/// <summary>
/// Rolling-window tier requirements: the daily counters equal a brute-force recount of the activities at any later
/// time (across a DST change and the day boundary of a UTC+8 zone), promotion and demotion honour the protection
/// after a promotion, grace and suspension, and the Discourse preset reproduces TL3 gain and loss.
/// </summary>
public class TierWindowTests
{
    private static readonly string[] People = ["a", "b", "c", "d"];

    /// <summary>A tier nobody reaches, so its requirements are only measured: one of each kind.</summary>
    private static void Measured(ScoringOptions s)
    {
        foreach (var type in new[] { "visit", "like", "reply", "flag", "order.completed" })
        {
            s.ActivityTypes.Add(type);
        }

        s.Tier("new").Tier("measured", t => t
            .Require(new TierRequirement { Name = "likes 7d", ActivityType = "like", WindowDays = 7, Minimum = 1e9 })
            .Require(new TierRequirement { Name = "order sum 10d", Measure = TierMeasure.Sum, ActivityType = "order.completed", WindowDays = 10, Minimum = 1e9 })
            .Require(new TierRequirement { Name = "days active 30d", Measure = TierMeasure.DistinctDays, WindowDays = 30, Minimum = 1e9 })
            .Require(new TierRequirement { Name = "visit days", Measure = TierMeasure.DistinctDays, ActivityType = "visit", Minimum = 1e9 })
            .Require(new TierRequirement { Name = "topics 14d", Measure = TierMeasure.DistinctValues, ActivityType = "reply", Attribute = "topic", WindowDays = 14, Minimum = 1e9 })
            .Require(new TierRequirement { Name = "likes received 10d", ActivityType = "like", Direction = TierDirection.Received, WindowDays = 10, Minimum = 1e9, MinCounterparts = 100, MinSpreadDays = 10 })
            .Require(new TierRequirement { Name = "likes", ActivityType = "like", Minimum = 1e9 })
            .Require(new TierRequirement { Name = "flags 5d", ActivityType = "flag", Direction = TierDirection.Received, WindowDays = 5, Maximum = 1e9 }));
    }

    private sealed record Act(string Member, string Type, DateTimeOffset At, decimal? Value, string? Target, string? Topic);

    [Property(MaxTest = 6)]
    public void Window_counters_equal_a_brute_force_recount_at_any_later_time(int seed, bool shanghai) =>
        RecountAsync(seed, shanghai ? "Asia/Shanghai" : "America/New_York").GetAwaiter().GetResult();

    private static async Task RecountAsync(int seed, string timeZone)
    {
        await using var host = Host(Measured, timeZone);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        foreach (var person in People)
        {
            await host.Join(person);
        }

        var random = new Random(seed);
        var log = new List<Act>();
        for (var i = 0; i < 160; i++)
        {
            // Steps of 0 to 14 hours over ~7 weeks from 2 March: New York's DST starts on 8 March, and local midnights
            // (05:00/04:00 UTC in New York, 16:00 UTC in Shanghai) are crossed at every offset.
            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(0, 14 * 60)));
            var now = host.Clock.GetUtcNow();
            var at = random.Next(8) == 0 ? now - TimeSpan.FromHours(random.Next(1, 72)) : now; // some arrive late
            var member = People[random.Next(People.Length)];
            var type = new[] { "visit", "like", "reply", "flag", "order.completed" }[random.Next(5)];
            var target = type is "like" or "flag" ? new[] { "a", "b", "c", "d", member, "nobody" }[random.Next(6)] : null;
            var topic = type == "reply" ? $"t{random.Next(12)}" : null;
            decimal? value = type == "order.completed" ? random.Next(1, 50) : null;
            var attributes = new Dictionary<string, string>();
            if (target is not null)
            {
                attributes["target"] = target;
            }

            if (topic is not null)
            {
                attributes["topic"] = topic;
            }

            await host.Act(member, type, at: at, value: value, attributes: attributes);
            log.Add(new Act(member, type, at, value, target, topic));

            if (i % 20 == 19)
            {
                // Query now and after a quiet spell: windows slide without new activity.
                await CompareAsync(host, log, Day);
                host.Clock.Advance(TimeSpan.FromHours(random.Next(1, 24 * 9)));
                await CompareAsync(host, log, Day);
            }
        }
    }

    private static async Task CompareAsync(TestHost host, List<Act> log, Func<DateTimeOffset, DateOnly> day)
    {
        var today = day(host.Clock.GetUtcNow());
        bool In(Act a, int window) => day(a.At) > today.AddDays(-window) && day(a.At) <= today;
        foreach (var m in People)
        {
            var progress = await host.Get<ITierService>().GetProgressAsync(Shop, M(m));
            var values = progress.Next.ToDictionary(p => p.Name, p => p.Value);
            var given = log.Where(a => a.Member == m).ToList();
            var received = log.Where(a => a.Target == m && a.Member != m).ToList();
            var expected = new Dictionary<string, double>
            {
                ["likes 7d"] = given.Count(a => a.Type == "like" && In(a, 7)),
                ["order sum 10d"] = (double)given.Where(a => a.Type == "order.completed" && In(a, 10)).Sum(a => a.Value ?? 0),
                ["days active 30d"] = given.Where(a => In(a, 30)).Select(a => day(a.At)).Distinct().Count(),
                ["visit days"] = given.Where(a => a.Type == "visit").Select(a => day(a.At)).Distinct().Count(),
                ["topics 14d"] = given.Where(a => a.Type == "reply" && In(a, 14)).Select(a => a.Topic).Distinct().Count(),
                ["likes received 10d"] = received.Count(a => a.Type == "like" && In(a, 10)),
                ["likes received 10d: distinct members"] = received.Where(a => a.Type == "like" && In(a, 10)).Select(a => a.Member).Distinct().Count(),
                ["likes received 10d: distinct days"] = received.Where(a => a.Type == "like" && In(a, 10)).Select(a => day(a.At)).Distinct().Count(),
                ["likes"] = given.Count(a => a.Type == "like"),
                ["flags 5d"] = received.Count(a => a.Type == "flag" && In(a, 5)),
            };
            Assert.Equal(expected.OrderBy(e => e.Key), values.OrderBy(e => e.Key));
            Assert.All(progress.Next.Where(p => p.WindowEnd is not null), p => Assert.Equal(today, p.WindowEnd));
        }
    }

    /// <summary>Visited on half of 10 days keeps "regular"; 4 days of protection after a promotion; no grace after it.</summary>
    private static void Regular(ScoringOptions s)
    {
        s.ActivityTypes.Add("visit");
        s.ActivityTypes.Add("flag");
        s.Tier("new").Tier("regular", t =>
        {
            t.Require(new TierRequirement { Name = "days visited", Measure = TierMeasure.DistinctDays, ActivityType = "visit", WindowDays = 10, MinRatio = 0.5 });
            t.AtMost("flag", 0, 10);
            t.ProtectedAfterPromotion = TimeSpan.FromDays(4);
            t.DemotionGrace = TimeSpan.Zero;
        });
    }

    [Fact]
    public async Task Promotion_is_immediate_and_demotion_waits_for_the_protection_then_names_what_failed()
    {
        await using var host = Host(Regular);
        await host.Join("ana");
        for (var d = 0; d < 4; d++)
        {
            Assert.Empty((await host.Act("ana", "visit")).EffectsOf<TierChanged>());
            host.Clock.Advance(TimeSpan.FromDays(1));
        }

        var progress = await host.Get<ITierService>().GetProgressAsync(Shop, M("ana"));
        Assert.Equal(("new", "regular"), (progress.Tier, progress.NextTier));
        var days = Assert.Single(progress.Next, p => p.Name == "days visited");
        Assert.Equal((4d, 5d, false), (days.Value, days.Target, days.Met));
        Assert.Equal(DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).AddDays(-9), days.WindowStart);

        var promoted = Assert.Single((await host.Act("ana", "visit")).EffectsOf<TierChanged>());
        Assert.Equal(("new", "regular", "promoted"), (promoted.From, promoted.To, promoted.Reason));
        var promotedAt = host.Clock.GetUtcNow();

        // A confirmed flag the next day fails the penalty, but the protection holds until four days after the promotion.
        host.Clock.Advance(TimeSpan.FromDays(1));
        var flagged = await host.Act("mod", "flag", attributes: new Dictionary<string, string> { ["target"] = "ana" });
        Assert.Empty(flagged.EffectsOf<TierChanged>());
        progress = await host.Get<ITierService>().GetProgressAsync(Shop, M("ana"));
        Assert.Equal(promotedAt.AddDays(4), progress.ProtectedUntil);
        Assert.Equal(promotedAt.AddDays(4), progress.DemotionAt);
        Assert.Contains(progress.Keep, p => p.Name == "flag received in 10 days" && p.IsMaximum && !p.Met && p.Value == 1);

        host.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop));
        host.Clock.SetUtcNow(promotedAt.AddDays(4));
        Assert.Equal(1, await host.Scores().ReviewTiersAsync(Shop));
        progress = await host.Get<ITierService>().GetProgressAsync(Shop, M("ana"));
        Assert.Equal("new", progress.Tier);
    }

    [Fact]
    public async Task Demotion_lists_the_failing_requirements_and_a_review_alone_demotes_when_the_window_slides()
    {
        await using var host = Host(Regular);
        await host.Join("ben");
        for (var d = 0; d < 5; d++)
        {
            await host.Act("ben", "visit");
            host.Clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal("regular", (await host.Get<ITierService>().GetProgressAsync(Shop, M("ben"))).Tier);

        // Nothing more: the fifth day is the last in the window on day 9; on day 10 only four remain.
        host.Clock.Advance(TimeSpan.FromDays(4)); // day 9
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop));
        host.Clock.Advance(TimeSpan.FromDays(1)); // day 10
        var outcome = await host.Act("ben", "post.created");
        var changed = Assert.Single(outcome.EffectsOf<TierChanged>());
        Assert.Equal(("regular", "new"), (changed.From, changed.To));
        Assert.Equal(["days visited"], changed.Failing);
    }

    [Fact]
    public async Task A_suspension_blocks_promotion_until_it_ends_or_is_lifted_and_its_input_is_checked()
    {
        await using var host = Host(Regular);
        await host.Join("cy");
        var tiers = host.Get<ITierService>();
        var suspended = await tiers.SuspendAsync(Shop, M("cy"), host.Clock.GetUtcNow().AddDays(30), "spam in the forum", "s1");
        Assert.Equal("spam in the forum", Assert.Single(suspended.EffectsOf<MemberSuspended>()).Reason);
        for (var d = 0; d < 6; d++)
        {
            Assert.Empty((await host.Act("cy", "visit")).EffectsOf<TierChanged>());
            host.Clock.Advance(TimeSpan.FromDays(1));
        }

        var progress = await tiers.GetProgressAsync(Shop, M("cy"));
        Assert.Equal(("new", true), (progress.Tier, progress.Next.All(p => p.Met)));
        Assert.NotNull(progress.SuspendedUntil);

        await tiers.LiftSuspensionAsync(Shop, M("cy"), "appeal upheld", "s2");
        Assert.Null((await tiers.GetProgressAsync(Shop, M("cy"))).SuspendedUntil);
        Assert.Equal(1, await host.Scores().ReviewTiersAsync(Shop));
        Assert.Equal("regular", (await tiers.GetProgressAsync(Shop, M("cy"))).Tier);

        Assert.Equal("until", (await Assert.ThrowsAsync<CommunityValidationException>(() => tiers.SuspendAsync(Shop, M("cy"), host.Clock.GetUtcNow().AddDays(-1), "late", "s3").AsTask())).Field);
        Assert.Equal("reason", (await Assert.ThrowsAsync<CommunityValidationException>(() => tiers.SuspendAsync(Shop, M("cy"), host.Clock.GetUtcNow().AddDays(1), " ", "s4").AsTask())).Field);
        Assert.Equal("regular", (await tiers.GetProgressAsync(Shop, M("cy"))).Tier);
    }

    [Fact]
    public async Task The_Discourse_preset_grants_and_takes_back_trust_level_3_on_a_hand_built_history()
    {
        await using var host = Host(s => s.UseTiers(Tiers.DiscourseLike()));
        foreach (var person in new[] { "ana", "f1", "f2", "f3", "f4" })
        {
            await host.Join(person);
        }

        var tiers = host.Get<ITierService>();
        var reached = new List<(int Day, string Tier)>();
        async Task Do(string member, string type, params (string Name, string Value)[] attributes)
        {
            var outcome = await host.Act(member, type, attributes: attributes.ToDictionary(a => a.Name, a => a.Value));
            reached.AddRange(outcome.EffectsOf<TierChanged>().Where(c => c.Member == M("ana")).Select(c => ((int)(host.Clock.GetUtcNow() - TestHost.Start).TotalDays, c.To)));
        }

        // 60 days: a visit a day, 5 topics viewed and 5 posts read a day, a reply on a new topic every 4 days, a like given
        // every day; 3 friends like her posts on 7 of the days (21 likes from 3 members: not diverse enough).
        for (var day = 0; day < 60; day++)
        {
            await Do("ana", "visit");
            for (var i = 0; i < 5; i++)
            {
                await Do("ana", "topic.viewed");
                await Do("ana", "post.read");
            }

            if (day % 4 == 0)
            {
                await Do("ana", "post.replied", ("topic", $"topic-{day}"));
            }

            await Do("ana", "like", ("target", "f1"));
            if (day % 8 == 0 && day < 56)
            {
                foreach (var friend in new[] { "f1", "f2", "f3" })
                {
                    await Do(friend, "like", ("target", "ana"));
                }
            }

            host.Clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(["basic", "member"], reached.Select(r => r.Tier));
        var progress = await tiers.GetProgressAsync(Shop, M("ana"));
        Assert.Equal(("member", "regular"), (progress.Tier, progress.NextTier));
        Assert.Equal(["likes received: distinct members"], progress.Next.Where(p => !p.Met).Select(p => p.Name));

        // A fourth member's like makes the likes diverse: trust level 3 on that activity.
        await Do("f4", "like", ("target", "ana"));
        Assert.Equal((60, "regular"), reached[^1]);
        var promotedAt = host.Clock.GetUtcNow();

        // Six confirmed flags the next day break "at most 5", but the two weeks after a promotion protect her.
        host.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < 6; i++)
        {
            await Do("mod", "flag.confirmed", ("target", "ana"));
        }

        progress = await tiers.GetProgressAsync(Shop, M("ana"));
        Assert.Equal(("regular", promotedAt.AddDays(14), promotedAt.AddDays(14)), (progress.Tier, progress.ProtectedUntil, progress.DemotionAt));
        Assert.Equal(["confirmed flags"], progress.Keep.Where(p => !p.Met).Select(p => p.Name));
        host.Clock.SetUtcNow(promotedAt.AddDays(14) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop));

        // Protection over, no grace at TL3: the next review demotes her, naming the flags.
        host.Clock.SetUtcNow(promotedAt.AddDays(14));
        Assert.Equal(1, await host.Scores().ReviewTiersAsync(Shop));
        progress = await tiers.GetProgressAsync(Shop, M("ana"));
        Assert.Equal(("member", "regular"), (progress.Tier, progress.NextTier));
        Assert.Equal(["confirmed flags"], progress.Next.Where(p => !p.Met).Select(p => p.Name));
    }

    [Fact]
    public async Task Requirements_bind_from_configuration_with_the_fluent_names()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TargetAttribute"] = "author",
            ["ActivityTypes:0"] = "like",
            ["Tiers:0:Name"] = "new",
            ["Tiers:1:Name"] = "liked",
            ["Tiers:1:ProtectedAfterPromotion"] = "3.00:00:00",
            ["Tiers:1:DemotionGrace"] = "00:00:00",
            ["Tiers:1:Requirements:0:Name"] = "likes received",
            ["Tiers:1:Requirements:0:ActivityType"] = "like",
            ["Tiers:1:Requirements:0:Direction"] = "Received",
            ["Tiers:1:Requirements:0:WindowDays"] = "30",
            ["Tiers:1:Requirements:0:Minimum"] = "2",
            ["Tiers:1:Requirements:0:MinCounterparts"] = "2",
        }).Build();
        await using var host = TestHost.Create(b => b.AddScoring(configuration));
        var community = Activities.A;
        foreach (var person in new[] { "ann", "bo", "cy" })
        {
            await host.Members.JoinAsync(community, M(person));
        }

        async Task Like(string from) => await host.Community.RecordAsync(Activities.Make(Guid.NewGuid().ToString("N"), from, "like", community, attributes: new Dictionary<string, string> { ["author"] = "ann" }));
        await Like("bo");
        await Like("bo");
        var progress = await host.Get<ITierService>().GetProgressAsync(community, M("ann"));
        Assert.Equal([("likes received", 2d, true), ("likes received: distinct members", 1d, false)], progress.Next.Select(p => (p.Name, p.Value, p.Met)));
        await Like("cy");
        progress = await host.Get<ITierService>().GetProgressAsync(community, M("ann"));
        Assert.Equal("liked", progress.Tier);
        Assert.Equal(host.Clock.GetUtcNow().AddDays(3), progress.ProtectedUntil);
    }

    [Fact]
    public void Invalid_requirements_are_all_reported_with_their_paths()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tiers:0:Name"] = "new",
            ["Tiers:1:Name"] = "regular",
            ["Tiers:1:Requirements:0:Measure"] = "DistinctDays",
            ["Tiers:1:Requirements:0:ActivityType"] = "visit",
            ["Tiers:1:Requirements:0:WindowDays"] = "100",
            ["Tiers:1:Requirements:0:MinRatio"] = "1.5",
            ["Tiers:1:Requirements:1:Measure"] = "DistinctValues",
            ["Tiers:1:Requirements:1:ActivityType"] = "visit",
            ["Tiers:1:Requirements:1:Attribute"] = "topic",
            ["Tiers:1:Requirements:1:Minimum"] = "3",
            ["Tiers:1:Requirements:2:ActivityType"] = "lkie",
            ["Tiers:1:Requirements:2:Minimum"] = "3",
            ["ActivityTypes:0"] = "visit",
        }).Build();
        services.AddCommunitySdk().AddScoring(configuration);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ScoringOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("Scoring:Tiers[1]:Requirements[0]:MinRatio must be between 0 and 1", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Scoring:Tiers[1]:Requirements[1]: DistinctValues needs an Attribute and WindowDays", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Scoring:Tiers[1]:Requirements[2]:ActivityType 'lkie' is named by no rule", StringComparison.Ordinal));
    }
}
