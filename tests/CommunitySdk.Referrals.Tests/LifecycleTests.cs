using CommunitySdk.Points;
using static CommunitySdk.Referrals.Tests.Fixture;

namespace CommunitySdk.Referrals.Tests;

public class LifecycleTests
{
    [Fact]
    public async Task Joined_qualified_rewarded_reversed_with_rewards_on_both_sides_and_clawed_back_at_every_level()
    {
        await using var host = Host(r => r.MaxRewardLevels(3));
        var rootCode = await host.CodeOf("root");
        await host.Join("grand", rootCode);
        var grandCode = (await host.Referrals().GetOrCreateCodeAsync(Shop, M("grand"))).Code;
        await host.Join("parent", grandCode);
        var parentCode = (await host.Referrals().GetOrCreateCodeAsync(Shop, M("parent"))).Code;

        var joined = await host.Join("kid", parentCode);
        Assert.Equal("code", Assert.Single(joined.EffectsOf<ReferralJoined>()).AttributedBy);
        Assert.Equal(ReferralStatus.Joined, (await host.Referrals().GetReferralAsync(Shop, M("kid")))!.Status);

        var order = await host.Order("kid", 200, "order-1");
        Assert.Single(order.EffectsOf<ReferralQualified>());
        Assert.Single(order.EffectsOf<ReferralRewarded>());
        Assert.Equal(
            [("kid", 20m), ("kid", 50m), ("parent", 100m), ("grand", 50m), ("root", 25m)],
            order.EffectsOf<PointsAwarded>().Select(a => (a.Member.Value, a.Amount)));
        Assert.Equal(ReferralStatus.Rewarded, (await host.Referrals().GetReferralAsync(Shop, M("kid")))!.Status);

        // A second order does not qualify again.
        Assert.Empty((await host.Order("kid", 300, "order-2")).EffectsOf<ReferralQualified>());

        var refund = await host.Get<IPointsService>().ReverseAsync(Shop, M("kid"), "order-1", "refunded", "refund-1");
        Assert.Single(refund.EffectsOf<ReferralReversed>());
        Assert.Equal(4, refund.EffectsOf<PointsReversed>().Select(r => r.Member).Distinct().Count());
        Assert.Equal(30, await host.Coins("kid")); // only order-2's coins stay
        Assert.Equal(0, await host.Coins("parent"));
        Assert.Equal(0, await host.Coins("grand"));
        Assert.Equal(0, await host.Coins("root"));
        Assert.Equal(ReferralStatus.Reversed, (await host.Referrals().GetReferralAsync(Shop, M("kid")))!.Status);
    }

    [Fact]
    public async Task Qualification_needs_the_minimum_value_within_the_window()
    {
        await using var host = Host(r => { r.QualifyingMinimumValue = 50; r.QualificationDays = 14; });
        var code = await host.CodeOf("alice");
        await host.Join("bob", code);
        Assert.Empty((await host.Order("bob", 49)).EffectsOf<ReferralQualified>());
        host.Clock.Advance(TimeSpan.FromDays(14).Add(TimeSpan.FromSeconds(1)));
        Assert.Empty((await host.Order("bob", 80)).EffectsOf<ReferralQualified>());
        Assert.Equal(0, await host.Coins("alice"));

        await host.Join("carol", code);
        host.Clock.Advance(TimeSpan.FromDays(14));
        Assert.Single((await host.Order("carol", 50)).EffectsOf<ReferralRewarded>());
        Assert.Equal(100, await host.Coins("alice"));
    }

    [Fact]
    public async Task Without_points_referrals_still_track_the_tree_with_no_rewards()
    {
        await using var host = Host(points: false);
        var code = await host.CodeOf("alice");
        await host.Join("bob", code);
        var order = await host.Order("bob", 10);
        Assert.Single(order.EffectsOf<ReferralRewarded>());
        Assert.Empty(order.EffectsOf<PointsAwarded>());
        Assert.Equal([M("bob")], await host.Graph().GetInviteesAsync(Shop, M("alice")));
    }

    [Theory]
    [InlineData(AttributionModel.LastClick, "bob")]
    [InlineData(AttributionModel.FirstClick, "alice")]
    public async Task Clicks_attribute_a_later_join_first_or_last_click_wins(AttributionModel model, string expected)
    {
        await using var host = Host(r => r.Attribution = model);
        var aliceCode = await host.CodeOf("alice");
        var bobCode = await host.CodeOf("bob");
        await host.Referrals().RecordClickAsync(Shop, aliceCode, "cookie-1", "c1");
        host.Clock.Advance(TimeSpan.FromDays(3));
        await host.Referrals().RecordClickAsync(Shop, bobCode, "cookie-1", "c2");
        host.Clock.Advance(TimeSpan.FromDays(3));

        var joined = await host.Join("carol", visitor: "cookie-1");
        var referral = Assert.Single(joined.EffectsOf<ReferralJoined>());
        Assert.Equal(M(expected), referral.Inviter);
        Assert.Equal("click", referral.AttributedBy);
    }

    [Fact]
    public async Task Attribution_window_edges_are_inclusive_to_the_second()
    {
        await using var host = Host(r => r.AttributionWindow = TimeSpan.FromDays(30));
        var code = await host.CodeOf("alice");
        await host.Referrals().RecordClickAsync(Shop, code, "v-on-time", "c1");
        await host.Referrals().RecordClickAsync(Shop, code, "v-late", "c2");
        host.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Single((await host.Join("on-time", visitor: "v-on-time")).EffectsOf<ReferralJoined>());
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty((await host.Join("late", visitor: "v-late")).EffectsOf<ReferralJoined>());
        Assert.Empty((await host.Join("stranger", visitor: "never-clicked")).EffectsOf<ReferralJoined>());
    }

    [Fact]
    public async Task A_segment_link_adds_the_segment_and_owner_only_segments_refuse_other_inviters()
    {
        await using var host = Host(r =>
        {
            r.Segments["makers"] = new SegmentPolicy { Policy = InvitePolicy.Open };
            var vip = new SegmentPolicy { Policy = InvitePolicy.OwnerOnly };
            vip.Owners.Add("owner");
            r.Segments["vip"] = vip;
        });
        await host.Members.JoinAsync(Shop, M("owner"));
        await host.Members.JoinAsync(Shop, M("maker"), new JoinRequest { Profile = new Dictionary<string, string> { ["segments"] = "makers" } });
        await host.Members.JoinAsync(Shop, M("outsider"));

        var vipLink = await host.Referrals().CreateInviteAsync(Shop, M("owner"), new InviteRequest { Segment = "vip" });
        var makersLink = await host.Referrals().CreateInviteAsync(Shop, M("maker"), new InviteRequest { Segment = "makers" });
        Assert.Equal("segment", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("maker"), new InviteRequest { Segment = "vip" }).AsTask())).Field);
        Assert.Equal("segment", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("outsider"), new InviteRequest { Segment = "makers" }).AsTask())).Field);

        await host.Join("guest", vipLink.Code);
        await host.Members.JoinAsync(Shop, M("newbie"), new JoinRequest { ReferralCode = makersLink.Code, Profile = new Dictionary<string, string> { ["segments"] = "readers" } });
        Assert.Equal(["vip"], (await host.Members.GetAsync(Shop, M("guest")))!.Segments);
        Assert.Equal(["readers", "makers"], (await host.Members.GetAsync(Shop, M("newbie")))!.Segments);
    }

    [Fact]
    public async Task An_owner_only_community_lets_only_owners_invite()
    {
        await using var host = Host(r => { r.DefaultPolicy = InvitePolicy.OwnerOnly; r.Owners.Add("founder"); });
        await host.CodeOf("founder");
        await host.Members.JoinAsync(Shop, M("member"));
        var ex = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().GetOrCreateCodeAsync(Shop, M("member")).AsTask());
        Assert.Equal("member", ex.Field);
    }
}
