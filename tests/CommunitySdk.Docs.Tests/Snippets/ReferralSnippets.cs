using CommunitySdk.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/referrals.md.</summary>
public static class ReferralSnippets
{
    public static void Register(IServiceCollection services)
    {
        // begin-snippet: referrals-register
        services.AddCommunitySdk()
                .AddPoints(p => p.Currency("coins", spendable: true))
                .AddReferrals(r => r
                    .RewardBoth(inviter: 100, invitee: 50, currency: "coins")
                    .MaxRewardLevels(2));                 // 1 (default) to 3, never more
        // end-snippet
    }

    public static async Task Codes(IReferralService referrals, CommunityId shop, MemberId member, TimeProvider time)
    {
        var now = time.GetUtcNow();
        // begin-snippet: referrals-codes
        var mine = await referrals.GetOrCreateCodeAsync(shop, member);          // e.g. "K7QX2MD", stable per member
        var link = await referrals.CreateInviteAsync(shop, member, new InviteRequest
        {
            VanityCode = "CHENGDU-MAKERS",  // optional; otherwise generated
            MaxUses = 20, ExpiresAt = now.AddDays(7), Segment = "makers",
        });
        await referrals.SetCodeEnabledAsync(shop, link.Code, enabled: false, idempotencyKey: "off-1");
        // end-snippet
    }
}
