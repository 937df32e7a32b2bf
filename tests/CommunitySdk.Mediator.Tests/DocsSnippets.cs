using CommunitySdk.Badges;
using CommunitySdk.Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Mediator.Tests;

/// <summary>What docs/notifications.md shows for Mediator registration; compiled here, where the source generator runs (the handler it shows is the shop's).</summary>
public static class DocsSnippets
{
    public static void Register(IServiceCollection services)
    {
        // begin-snippet: notifications-mediator
        services.AddMediator();
        services.AddCommunitySdk()
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)))
            .AddMediatorNotifications();
        // end-snippet
    }
}
