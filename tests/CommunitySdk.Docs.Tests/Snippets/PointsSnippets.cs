using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/points.md.</summary>
public static class PointsSnippets
{
    public static void Currencies(ICommunitySdkBuilder builder)
    {
        // begin-snippet: points-currencies
        builder.AddPoints(p => p
            .Currency("reputation", configure: c => c.DailyCap = 200)                // earned only, capped, never spent
            .Currency("coins", spendable: true, c =>                                 // spendable, expiring, held 14 days
            {
                c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 365;
                c.PendingDays = 14; c.ExpiringNoticeDays = 30;
            }));
        // end-snippet
    }

    public static void Rules(PointsOptions p)
    {
        // begin-snippet: points-rules
        p.Rule("post.created", amount: 2, currency: "reputation");                // fixed
        p.Rule("order.completed", perUnit: 0.1m, currency: "coins",               // 1 coin per 10 spent, rounded down
               configure: r => r.MaxPerActivity = 500);
        p.Rule("profile.completed", amount: 25, currency: "reputation", configure: r => r.FirstTimeOnly = true);
        p.Rule("answer.upvoted", amount: 10, currency: "reputation", configure: r => r.DailyCap = 200);   // a per-rule cap
        p.Rule("answer.accepted", amount: 15, currency: "reputation", configure: r => r.ExemptFromCurrencyCap = true);
        // end-snippet
    }

    public static async Task Commands(IPointsService points, CommunityId shop, MemberId member)
    {
        // begin-snippet: points-commands
        await points.SpendAsync(shop, member, "coins", 120, "voucher #88", idempotencyKey: "voucher-88");
        await points.AwardAsync(shop, member, "reputation", 50, "popcorn award: meetup photos", "award-17");
        await points.DeductAsync(shop, member, "reputation", 10, "spam", "deduct-3");
        await points.ReverseAsync(shop, member, sourceIdempotencyKey: "order:1042", "order refunded", "refund-1042");
        // the same, as an activity any host can record: type "activity.reverse", attributes source + reason
        await points.SweepExpiryAsync(shop);   // run it daily from a background job
        // end-snippet
    }
}
