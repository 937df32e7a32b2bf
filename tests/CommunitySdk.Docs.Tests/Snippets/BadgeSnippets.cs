using CommunitySdk.Badges;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

// begin-snippet: badges-custom-criterion
public sealed class BigOrders : IBadgeCriterion
{
    public string Name => "big-orders";
    public IReadOnlyCollection<string> ActivityTypes => ["order.completed"];
    public IReadOnlyCollection<Type> EventTypes => [];
    public double Target => 3;
    public double Fold(double current, BadgeTrigger trigger) => trigger.Activity.Value >= 100 ? current + 1 : current;
}
// end-snippet

/// <summary>docs/badges.md.</summary>
public static class BadgeSnippets
{
    public static void Define(ICommunitySdkBuilder builder)
    {
        // begin-snippet: badges-define
        builder.AddBadges(b => b
            .Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1))
            .Badge("night-owl", "Busy week", BadgeCriteria.Count("post.created", 10, window: TimeSpan.FromDays(7)),
                   d => { d.Grade = BadgeGrade.Silver; d.AutoRevoke = true; })
            .Badge("great-answer", "Great answer", BadgeCriteria.Count("answer.accepted", 5), d => d.Repeatable = true)
            .Badge("secret-shopper", "Secret shopper", BadgeCriteria.FirstToDo("review.posted"), d => d.Hidden = true)
            .Honour("popcorn", "Popcorn award", d => d.Description = "For the best meetup snacks")
            .Family("meetups", "Meetup regular",
                ("Bronze", BadgeCriteria.Count("meetup.checkin", 1)),
                ("Silver", BadgeCriteria.Count("meetup.checkin", 5)),
                ("Gold", BadgeCriteria.Count("meetup.checkin", 20))));
        // end-snippet
    }

    public static void Custom(ICommunitySdkBuilder builder)
    {
        // begin-snippet: badges-register-criterion
        builder.AddBadgeCriterion<BigOrders>()
               .AddBadges(b => b.Badge("whale", "Whale", BadgeCriteria.Custom("big-orders")));
        // end-snippet
    }

    public static async Task Operate(IBadgeService badges, CommunityId shop, MemberId member)
    {
        // begin-snippet: badges-grant
        await badges.GrantAsync(shop, member, "popcorn", reason: "brought popcorn to 3 meetups", idempotencyKey: "honour-17");
        await badges.RevokeAsync(shop, member, "first-post", reason: "spam", idempotencyKey: "revoke-4");
        // end-snippet

        // begin-snippet: badges-progress
        IReadOnlyList<BadgeProgress> progress = await badges.GetProgressAsync(shop, member);
        // "3 of 5 meetup.checkin", "4 of 7 days in a row": Current, Target, Unit, Fraction
        IReadOnlyList<BadgeRarity> rarity = await badges.GetRarityAsync(shop);
        // Holders, Members (members who joined), Share
        // end-snippet

        // begin-snippet: badges-backfill
        await badges.BackfillAsync(shop, idempotencyKey: "badges-backfill-2026-11");
        // end-snippet
    }
}
