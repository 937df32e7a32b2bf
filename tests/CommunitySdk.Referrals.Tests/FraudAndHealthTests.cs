using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Referrals.Tests.Fixture;

namespace CommunitySdk.Referrals.Tests;

public class FraudAndHealthTests
{
    [Fact]
    public async Task Self_referral_by_shared_fingerprint_is_held_then_approved_by_an_operator()
    {
        await using var host = Host();
        await host.Members.JoinAsync(Shop, M("alice"), new JoinRequest { Fingerprint = "fp-1" });
        var code = (await host.Referrals().GetOrCreateCodeAsync(Shop, M("alice"))).Code;
        await host.Join("alice-2", code, fingerprint: "fp-1");

        var order = await host.Order("alice-2", 100, "o1");
        var held = Assert.Single(order.EffectsOf<ReferralHeld>());
        Assert.Contains(held.Reasons, r => r.StartsWith("self-referral", StringComparison.Ordinal));
        Assert.DoesNotContain(order.EffectsOf<PointsAwarded>(), a => a.Reason.StartsWith("referral", StringComparison.Ordinal));
        Assert.Equal([M("alice-2")], (await host.Referrals().GetHeldAsync(Shop)).Select(r => r.Invitee));

        var approved = await host.Referrals().ApproveAsync(Shop, M("alice-2"), "approve-1");
        Assert.True(Assert.Single(approved.EffectsOf<ReferralRewarded>()).Approved);
        Assert.Equal(100, await host.Coins("alice"));

        // Rewards given on approval are still taken back when the qualifying order is refunded.
        await host.Get<IPointsService>().ReverseAsync(Shop, M("alice-2"), "o1", "refund", "r1");
        Assert.Equal(0, await host.Coins("alice"));
        Assert.Equal("invitee", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().ApproveAsync(Shop, M("alice-2"), "approve-2").AsTask())).Field);
    }

    [Fact]
    public async Task The_fourth_conversion_from_one_fingerprint_is_held_and_can_be_rejected()
    {
        await using var host = Host();
        var code = await host.CodeOf("alice");
        for (var i = 1; i <= 4; i++)
        {
            await host.Join($"f{i}", code, fingerprint: "same-device");
            var order = await host.Order($"f{i}", 100);
            Assert.Equal(i == 4, order.EffectsOf<ReferralHeld>().Any());
        }

        await host.Referrals().RejectAsync(Shop, M("f4"), "device farm", "reject-1");
        Assert.Equal(ReferralStatus.Rejected, (await host.Referrals().GetReferralAsync(Shop, M("f4")))!.Status);
        Assert.Equal(300, await host.Coins("alice"));
        Assert.Empty(await host.Referrals().GetHeldAsync(Shop));
    }

    [Fact]
    public async Task Velocity_per_code_and_the_monthly_reward_cap_hold_referrals()
    {
        await using var host = Host(r => { r.Fraud.MaxJoinsPerCodeInWindow = 3; r.Fraud.MaxRewardedPerInviterPerMonth = 2; });
        var code = await host.CodeOf("alice");
        for (var i = 1; i <= 4; i++)
        {
            await host.Join($"burst{i}", code); // 4 joins within the hour: the 4th is over the velocity limit
        }

        Assert.Empty((await host.Order("burst1", 10)).EffectsOf<ReferralHeld>());
        Assert.Empty((await host.Order("burst2", 10)).EffectsOf<ReferralHeld>());
        var third = await host.Order("burst3", 10);
        Assert.Contains("cap of 2", Assert.Single(third.EffectsOf<ReferralHeld>()).Reasons.Single(), StringComparison.Ordinal);
        var fourth = await host.Order("burst4", 10);
        var reasons = Assert.Single(fourth.EffectsOf<ReferralHeld>()).Reasons;
        Assert.Contains(reasons, r => r.StartsWith("more than 3 joins through code", StringComparison.Ordinal));

        host.Clock.Advance(TimeSpan.FromDays(31)); // a new month: room again
        await host.Join("later", code);
        Assert.Single((await host.Order("later", 10)).EffectsOf<ReferralRewarded>());
    }

    [Fact]
    public async Task Banning_reports_the_chain_and_an_unhealthy_branch_is_suspended()
    {
        await using var host = Host(r => r.BranchHealth.SuspendUnhealthy = true);
        var rootCode = await host.CodeOf("root");
        await host.Join("recruiter", rootCode);
        var code = (await host.Referrals().GetOrCreateCodeAsync(Shop, M("recruiter"))).Code;
        for (var i = 0; i < 10; i++)
        {
            await host.Join($"r{i}", code);
        }

        var ban = await host.Referrals().BanAsync(Shop, M("r0"), "spam", "ban-0");
        Assert.Equal([M("recruiter"), M("root")], Assert.Single(ban.EffectsOf<MemberBanned>()).Chain);
        await host.Referrals().BanAsync(Shop, M("r1"), "spam", "ban-1");
        Assert.False((await host.Referrals().GetBranchHealthAsync(Shop, M("recruiter"))).Suspended);

        var third = await host.Referrals().BanAsync(Shop, M("r2"), "spam", "ban-2"); // 3 banned invitees: the limit
        Assert.Equal(M("recruiter"), Assert.Single(third.EffectsOf<InvitingSuspended>()).Member);
        var health = await host.Referrals().GetBranchHealthAsync(Shop, M("recruiter"));
        Assert.Equal((10, 3, 0.7, true), (health.Invitees, health.Problematic, health.GoodShare, health.Suspended));

        Assert.Contains("suspended", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Join("newcomer", code))).Reason, StringComparison.Ordinal);
        Assert.Equal("member", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("recruiter"), new InviteRequest()).AsTask())).Field);
        Assert.Empty((await host.Referrals().BanAsync(Shop, M("r0"), "spam", "ban-0-again")).Effects); // banning twice is a no-op
    }

    [Fact]
    public void More_than_three_reward_levels_fail_on_start_with_the_legal_reason()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddPoints(p => p.Currency("coins", spendable: true)).AddReferrals(r => r.RewardBoth(10, 5).MaxRewardLevels(4));
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReferralOptions>>(provider).Value);
        Assert.Contains(ex.Failures, f => f.Contains("RewardLevels must be 1 to 3", StringComparison.Ordinal) && f.Contains("pyramid", StringComparison.Ordinal));
    }

    [Fact]
    public void Rewards_without_points_or_with_an_unknown_currency_fail_on_start()
    {
        static string[] Failures(Action<ICommunitySdkBuilder> configure)
        {
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            configure(services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true));
            using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
            return Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
                Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReferralOptions>>(provider).Value).Failures.ToArray();
        }

        Assert.Contains(Failures(b => b.AddReferrals(r => r.RewardBoth(10, 5))), f => f.Contains("AddPoints", StringComparison.Ordinal));
        Assert.Contains(Failures(b => b.AddPoints(p => p.Currency("coins")).AddReferrals(r => r.RewardBoth(10, 5, "gems"))), f => f.Contains("'gems'", StringComparison.Ordinal));
    }
}
