using System.Text;
using CommunitySdk.Points;
using CommunitySdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Badges.Tests.Fixture;

namespace CommunitySdk.Badges.Tests;

public class LifecycleTests
{
    private static void Meetups(BadgeOptions b) => b.Family(
        "meetups",
        "Meetup regular",
        ("Bronze", BadgeCriteria.Count("meetup.checkin", 1)),
        ("Silver", BadgeCriteria.Count("meetup.checkin", 3)),
        ("Gold", BadgeCriteria.Count("meetup.checkin", 5)));

    [Fact]
    public async Task A_family_climbs_bronze_silver_gold_keeps_the_history_and_shows_the_highest()
    {
        await using var host = Host(Meetups);
        var levels = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            levels.AddRange((await host.Act("ann", "meetup.checkin")).Earned().Select(e => $"{e.BadgeId}:{e.Level}"));
        }

        Assert.Equal(["meetups-bronze:1", "meetups-silver:2", "meetups-gold:3"], levels);
        var badges = await host.Badges().GetBadgesAsync(Shop, M("ann"));
        Assert.Equal(["meetups-bronze", "meetups-silver", "meetups-gold"], badges.Select(b => b.Badge.Id));
        Assert.Equal(["meetups-gold"], badges.Where(b => b.Displayed).Select(b => b.Badge.Id));
        Assert.Equal((BadgeGrade.Gold, "Meetup regular (Gold)"), (badges[2].Badge.Grade, badges[2].Badge.Name));
    }

    [Fact]
    public async Task A_higher_level_waits_for_the_lower_one_even_if_its_own_threshold_is_lower()
    {
        await using var host = Host(b => b.Family("mixed", "Mixed",
            ("Bronze", BadgeCriteria.Count("post.created", 2)),
            ("Silver", BadgeCriteria.Count("meetup.checkin", 1))));
        Assert.Empty((await host.Act("ann", "meetup.checkin")).Earned());
        await host.Act("ann", "post.created");
        var both = await host.Act("ann", "post.created");
        Assert.Equal(["mixed-bronze", "mixed-silver"], both.Earned().Select(e => e.BadgeId)); // prerequisite first, dependent in the same activity
    }

    [Fact]
    public async Task Honours_are_granted_with_a_reason_and_unknown_badges_are_typed_errors()
    {
        await using var host = Host(b => b.Honour("popcorn", "Popcorn award", d => d.Description = "For the best meetup snacks"));
        var outcome = await host.Badges().GrantAsync(Shop, M("ann"), "popcorn", "brought popcorn to 3 meetups", "h1");
        var earned = Assert.Single(outcome.Earned());
        Assert.True(earned.Manual);
        Assert.Equal("brought popcorn to 3 meetups", earned.Reason);
        Assert.Empty((await host.Badges().GrantAsync(Shop, M("ann"), "popcorn", "again", "h2")).Earned()); // already held

        var unknown = await Assert.ThrowsAsync<BadgeNotFoundException>(() => host.Badges().GrantAsync(Shop, M("ann"), "nope", "x", "h3").AsTask());
        Assert.Equal(("badge", "nope"), (unknown.Field, unknown.BadgeId));
        await Assert.ThrowsAsync<CommunityValidationException>(() => host.Badges().GrantAsync(Shop, M("ann"), "popcorn", " ", "h4").AsTask());
        Assert.Empty(await host.Badges().GetProgressAsync(Shop, M("bob"))); // manual-only badges have no progress
    }

    [Fact]
    public async Task An_operator_revocation_sticks_until_an_operator_grants_again()
    {
        await using var host = Host(b => b.Badge("poster", "Poster", BadgeCriteria.Count("post.created", 1)));
        await host.Act("ann", "post.created");
        var revoke = await host.Badges().RevokeAsync(Shop, M("ann"), "poster", "spam", "r1");
        var revoked = Assert.Single(revoke.Effects.OfType<BadgeRevoked>());
        Assert.Equal(("spam", false), (revoked.Reason, revoked.Automatic));
        Assert.Empty((await host.Act("ann", "post.created")).Earned()); // the criterion still holds, but no automatic re-grant
        Assert.Empty(await host.Held("ann"));
        Assert.True(Assert.Single(await host.Badges().GetBadgesAsync(Shop, M("ann"))).Revoked);

        var notHeld = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Badges().RevokeAsync(Shop, M("ann"), "poster", "again", "r2").AsTask());
        Assert.Contains("does not hold", notHeld.Reason, StringComparison.Ordinal);
        await host.Badges().GrantAsync(Shop, M("ann"), "poster", "appeal accepted", "g1");
        Assert.Equal(["poster"], await host.Held("ann"));
    }

    [Fact]
    public async Task Repeatable_badges_grant_again_per_threshold_and_idempotent_retries_never_double_grant()
    {
        await using var host = Host(b => b
            .Badge("great-answer", "Great answer", BadgeCriteria.Count("answer.accepted", 2), d => d.Repeatable = true)
            .Badge("first-answer", "First answer", BadgeCriteria.Count("answer.accepted", 1)));
        var grants = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            for (var retry = 0; retry < 3; retry++)
            {
                var outcome = await host.Act("ann", "answer.accepted", key: $"a{i}");
                Assert.Equal(retry > 0, outcome.IsDuplicate);
                if (!outcome.IsDuplicate)
                {
                    grants.AddRange(outcome.Earned().Where(e => e.BadgeId == "great-answer").Select(e => e.Grants));
                }
            }
        }

        Assert.Equal([1, 2, 3], grants);
        var badges = (await host.Badges().GetBadgesAsync(Shop, M("ann"))).ToDictionary(b => b.Badge.Id);
        Assert.Equal((3, 1), (badges["great-answer"].Grants, badges["first-answer"].Grants));
    }

    [Fact]
    public async Task Progress_lists_visible_unearned_badges_and_rarity_counts_holders()
    {
        await using var host = Host(b =>
        {
            Meetups(b);
            b.Badge("secret", "Secret", BadgeCriteria.Count("meetup.checkin", 2), d => d.Hidden = true);
        });
        foreach (var m in new[] { "ann", "bob", "cat", "dan" })
        {
            await host.Members.JoinAsync(Shop, M(m), new JoinRequest());
        }

        for (var i = 0; i < 3; i++)
        {
            await host.Act("ann", "meetup.checkin");
        }

        await host.Act("bob", "meetup.checkin");
        var progress = await host.Badges().GetProgressAsync(Shop, M("ann"));
        var gold = Assert.Single(progress);
        Assert.Equal(("meetups-gold", 3, 5, "meetup.checkin", 0.6), (gold.Badge.Id, gold.Current, gold.Target, gold.Unit, gold.Fraction));
        Assert.DoesNotContain(await host.Badges().GetProgressAsync(Shop, M("cat")), p => p.Badge.Id == "secret");

        var rarity = (await host.Badges().GetRarityAsync(Shop)).ToDictionary(r => r.Badge.Id);
        Assert.Equal((2, 4, 0.5), (rarity["meetups-bronze"].Holders, rarity["meetups-bronze"].Members, rarity["meetups-bronze"].Share));
        Assert.Equal(1, rarity["meetups-silver"].Holders);
        Assert.Equal(1, rarity["secret"].Holders);
        Assert.Equal(0, rarity["meetups-gold"].Holders);
    }

    [Fact]
    public async Task Backfill_grants_a_later_definition_over_history_exactly_like_live_evaluation_and_marks_the_events()
    {
        void Defs(BadgeOptions b)
        {
            Meetups(b);
            b.Badge("explorer", "Explorer", BadgeCriteria.DistinctValues("meetup.checkin", 3))
             .Badge("coins-50", "Fifty coins", BadgeCriteria.PointsEarned("coins", 50))
             .Badge("both", "Both", BadgeCriteria.AllOf(BadgeCriteria.Count("post.created", 2), BadgeCriteria.PointsEarned("coins", 20)), d => d.Requires.Add("meetups-bronze"));
        }

        var random = new Random(7);
        var script = Enumerable.Range(0, 400).Select(i => (Member: $"m{random.Next(30)}", Type: random.Next(3) switch { 0 => "meetup.checkin", 1 => "post.created", _ => "order.completed" }, Event: $"e{random.Next(6)}", Value: random.Next(1, 30))).ToArray();

        async Task Play(TestHost h)
        {
            foreach (var (member, type, ev, value) in script)
            {
                await h.Act(member, type, value: type == "order.completed" ? value : null, attributes: Attr("event", ev));
            }
        }

        await using var live = Host(Defs);
        await Play(live);

        // The same history recorded before the badges existed, then the definitions added (a new process), then a backfill.
        var store = new Storage.InMemoryCommunityStore();
        await using (var before = TestHost.Create(b => b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1)).UseStore(_ => store)))
        {
            await Play(before);
        }

        await using var later = TestHost.Create(b => b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1)).AddBadges(Defs).UseStore(_ => store));
        var backfill = await later.Badges().BackfillAsync(Shop, "backfill-1");
        var grants = backfill.Earned().ToArray();
        Assert.NotEmpty(grants);
        Assert.All(grants, g => Assert.True(g.Backfill));
        Assert.Empty((await later.Badges().BackfillAsync(Shop, "backfill-2")).Earned()); // nothing left to grant

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal((await live.Held($"m{i}")).Order(), (await later.Held($"m{i}")).Order());
        }
    }

    [Fact]
    public async Task Replay_rebuilds_the_same_badges()
    {
        await using var host = Host(b => { Meetups(b); b.Badge("pioneer", "Pioneer", BadgeCriteria.FirstToDo("post.created")); });
        await host.Act("ann", "meetup.checkin");
        await host.Act("bob", "post.created");
        await host.Act("ann", "post.created");
        await host.Badges().GrantAsync(Shop, M("cat"), "meetups-gold", "founder", "g");
        var before = new[] { await host.Held("ann"), await host.Held("bob"), await host.Held("cat") };
        await host.Get<ICommunityReplayer>().ReplayAsync(Shop);
        Assert.Equal(before, new[] { await host.Held("ann"), await host.Held("bob"), await host.Held("cat") });
    }

    [Fact]
    public void Invalid_definitions_fail_on_start_naming_the_badge_and_the_reason()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddBadges(b =>
        {
            b.Badge("dup", "One", BadgeCriteria.Count("a", 1)).Badge("dup", "Two", BadgeCriteria.Count("a", 1));
            b.Badge("negative", "Negative", BadgeCriteria.PointsEarned("coins", -5));
            b.Badge("zero-count", "Zero", BadgeCriteria.Count("a", 0));
            b.Badge("cycle-a", "A", BadgeCriteria.Count("a", 1), d => d.Requires.Add("cycle-b"));
            b.Badge("cycle-b", "B", BadgeCriteria.Count("a", 1), d => d.Requires.Add("cycle-a"));
            b.Badge("ghost-prereq", "G", BadgeCriteria.Count("a", 1), d => d.Requires.Add("missing"));
            b.Badge("no-criterion", "N", null!);
            b.Badge("custom", "C", BadgeCriteria.Custom("not-registered"));
            b.Badge("empty-any", "E", BadgeCriteria.AnyOf());
            b.Families.Add(new BadgeFamily { Id = "empty-family", Name = "Empty" });
            b.Badge("unknown-type-is-fine", "U", BadgeCriteria.Count("never.recorded", 1));
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BadgeOptions>>().Value);
        string[] expected =
        [
            "'dup': duplicate badge id",
            "'negative': Criterion: AtLeast must be a finite number of at least 0",
            "'zero-count': Criterion: AtLeast must be at least 1",
            "has cyclic prerequisites: cycle-a -> cycle-b -> cycle-a",
            "'ghost-prereq' requires 'missing'",
            "'no-criterion': Criterion is required",
            "no IBadgeCriterion named 'not-registered'",
            "'empty-any': Criterion: AnyOf needs at least one part",
            "'empty-family': a family needs at least one level",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(ex.Failures, f => f.Contains(text, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(ex.Failures, f => f.Contains("unknown-type-is-fine", StringComparison.Ordinal));
        Assert.Equal(expected.Length, ex.Failures.Count());
    }

    [Fact]
    public async Task Definitions_bind_from_json_configuration()
    {
        const string json = """
        {
          "Badges": [
            { "Id": "night-owl", "Name": "Night owl", "Grade": "Silver", "Criterion": { "Kind": "Count", "ActivityType": "post.created", "AtLeast": 2, "Window": "1.00:00:00" } },
            { "Id": "patron", "Name": "Patron", "Criterion": { "Kind": "AllOf", "Of": [ { "Kind": "PointsEarned", "Currency": "coins", "AtLeast": 10 }, { "Kind": "FirstToDo", "ActivityType": "order.completed" } ] } },
            { "Id": "popcorn", "Name": "Popcorn award", "ManualOnly": true }
          ],
          "Families": [
            { "Id": "streaks", "Name": "Streaker", "Levels": [ { "Name": "Bronze", "Criterion": { "Kind": "Streak", "ActivityType": "login", "AtLeast": 2 } } ] }
          ]
        }
        """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        await using var host = TestHost.Create(b => b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1)).AddBadges(configuration));
        Assert.Equal(["night-owl", "patron", "popcorn", "streaks-bronze"], host.Badges().Definitions.Select(d => d.Id));
        Assert.Equal(BadgeGrade.Silver, host.Badges().Definitions[0].Grade);
        Assert.Equal(["patron"], (await host.Act("ann", "order.completed", value: 12)).Earned().Select(e => e.BadgeId));
        await host.Act("ann", "post.created");
        Assert.Equal(["night-owl"], (await host.Act("ann", "post.created")).Earned().Select(e => e.BadgeId));
    }

    [Fact]
    public void AddBadges_checks_arguments_and_is_safe_twice()
    {
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddBadges(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddBadges((Action<BadgeOptions>)null!));
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddBadges(b => b.Badge("a", "A", BadgeCriteria.Count("x", 1))).AddBadges(b => b.Badge("b", "B", BadgeCriteria.Count("x", 1)));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.Single(provider.GetServices<IActivityReactor>(), r => r.Order == 900);
        Assert.Equal(["a", "b"], provider.GetRequiredService<IBadgeService>().Definitions.Select(d => d.Id));
    }

    [Fact]
    public void Badges_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(BadgeOptions).Assembly));
}
