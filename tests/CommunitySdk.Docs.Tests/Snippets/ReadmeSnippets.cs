using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>README.md.</summary>
public static class ReadmeSnippets
{
    public static async Task<ActivityOutcome> RecordAnOrder(IServiceCollection services, ICommunity community, ShopOrder order, ShopUser user)
    {
        // begin-snippet: readme-record
        services.AddCommunitySdk(o => o.Community("my-shop"))   // declared tenants only
            .AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1));

        // Everything a member does enters as an activity; the outcome lists every effect. Recorded by your server
        // code: members' browsers may only report the activity types you list (docs/security.md).
        var outcome = await community.RecordAsync(new Activity
        {
            IdempotencyKey = $"order:{order.Id}",     // retries never double-count
            Community = new CommunityId("my-shop"),
            Member = new MemberId(user.Id),
            Type = "order.completed",
            Value = order.Total,
        });
        var coins = outcome.EffectsOf<PointsAwarded>().Sum(a => a.Amount);
        // end-snippet
        return outcome;
    }
}

/// <summary>A host's order, as the snippets use it.</summary>
public sealed record ShopOrder(string Id, decimal Total);

/// <summary>A host's signed-in user, as the snippets use it.</summary>
public sealed record ShopUser(string Id);
