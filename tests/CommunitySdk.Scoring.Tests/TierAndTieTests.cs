using static CommunitySdk.Scoring.Tests.Fixture;

namespace CommunitySdk.Scoring.Tests;

public class TierAndTieTests
{
    private static void Ladder(ScoringOptions s)
    {
        s.HalfLife(TimeSpan.FromDays(10));
        s.DemotionGrace = TimeSpan.FromDays(14);
        s.Tier("newcomer")
         .Tier("regular", t => t.MinScore = 5)
         .Tier("leader", t => { t.MinScore = 5; t.Endorsements = 2; });
    }

    [Fact]
    public async Task Promotion_is_immediate_and_demotion_waits_out_the_grace_period()
    {
        await using var host = Host(Ladder);
        for (var i = 0; i < 4; i++)
        {
            Assert.Empty((await host.Act("alice", "post.created")).EffectsOf<TierChanged>());
        }

        var promoted = Assert.Single((await host.Act("alice", "post.created")).EffectsOf<TierChanged>());
        Assert.Equal(("newcomer", "regular", "promoted"), (promoted.From, promoted.To, promoted.Reason));

        // The score decays below 5: grace starts, no demotion yet.
        host.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop));
        var explanation = await host.Scores().ExplainAsync(Shop, M("alice"));
        Assert.Equal("regular", explanation.Tier);

        // Back above 5 within the grace: the grace clears.
        var back = await host.Act("alice", "post.created");
        Assert.Single(back.EffectsOf<TierGraceCleared>());

        // Inactive long enough: demoted only when the grace has run out.
        host.Clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop)); // grace starts now
        host.Clock.Advance(TimeSpan.FromDays(13));
        Assert.Equal(0, await host.Scores().ReviewTiersAsync(Shop));
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await host.Scores().ReviewTiersAsync(Shop));
        Assert.Equal("newcomer", (await host.Scores().ExplainAsync(Shop, M("alice"))).Tier);
    }

    [Fact]
    public async Task The_high_tier_needs_vouches_from_members_at_that_tier_and_a_lock_holds()
    {
        await using var host = Host(Ladder);
        foreach (var member in new[] { "a", "b", "c", "d" })
        {
            for (var i = 0; i < 6; i++)
            {
                await host.Act(member, "post.created");
            }
        }

        await host.Scores().LockTierAsync(Shop, M("a"), "leader", "lock-a");
        await host.Scores().LockTierAsync(Shop, M("b"), "leader", "lock-b");
        var regular = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Scores().EndorseAsync(Shop, M("c"), M("d"), "leader", "e0").AsTask());
        Assert.Equal("endorser", regular.Field);
        Assert.Equal("endorser", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Scores().EndorseAsync(Shop, M("d"), M("d"), "leader", "e-self").AsTask())).Field);

        Assert.Empty((await host.Scores().EndorseAsync(Shop, M("a"), M("d"), "leader", "e1")).EffectsOf<TierChanged>());
        var second = await host.Scores().EndorseAsync(Shop, M("b"), M("d"), "leader", "e2");
        Assert.Equal("leader", Assert.Single(second.EffectsOf<TierChanged>()).To);

        // A locked member neither rises nor falls.
        host.Clock.Advance(TimeSpan.FromDays(200));
        await host.Scores().ReviewTiersAsync(Shop); // starts the others' grace
        host.Clock.Advance(TimeSpan.FromDays(15));
        await host.Scores().ReviewTiersAsync(Shop); // demotes them
        Assert.Equal("leader", (await host.Scores().ExplainAsync(Shop, M("a"))).Tier);
        Assert.Equal("newcomer", (await host.Scores().ExplainAsync(Shop, M("c"))).Tier);
        Assert.Equal("tier", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Scores().LockTierAsync(Shop, M("a"), "emperor", "lock-x").AsTask())).Field);
    }

    [Fact]
    public async Task Strong_tie_counts_equal_a_brute_force_pair_count()
    {
        await using var host = Host(s => s.StrongTieThreshold = 3);
        var random = new Random(8);
        var attended = new Dictionary<string, HashSet<string>>();
        for (var i = 0; i < 500; i++)
        {
            var member = $"m{random.Next(25)}";
            var eventId = $"e{random.Next(20)}";
            await host.Act(member, "meetup.attended", attributes: new Dictionary<string, string> { ["event"] = eventId });
            (attended.TryGetValue(member, out var set) ? set : attended[member] = []).Add(eventId);
        }

        foreach (var member in attended.Keys)
        {
            var expected = attended.Keys.Where(o => o != member && attended[o].Intersect(attended[member]).Count() >= 3).Order(StringComparer.Ordinal);
            var actual = (await host.Scores().StrongTiesAsync(Shop, M(member))).Select(m => m.Value).Order(StringComparer.Ordinal);
            Assert.Equal(expected, actual);
        }
    }
}
