using CommunitySdk.Badges;
using CommunitySdk.Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Mediator.Tests;

// begin-snippet: notifications-mediator-handler
public sealed class BadgeFeed(Feed feed) : CommunityNotificationHandler<BadgeEarned>
{
    protected override ValueTask HandleAsync(BadgeEarned e, CancellationToken cancellationToken) { feed.Add(e); return default; }
}
// end-snippet

/// <summary>What docs/notifications.md shows for Mediator; compiled here, where the source generator runs.</summary>
public static class DocsSnippets
{
    public static void Register(IServiceCollection services)
    {
        // begin-snippet: notifications-mediator
        services.AddMediator();
        services.AddSingleton<Feed>();
        services.AddCommunitySdk()
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)))
            .AddMediatorNotifications();
        // end-snippet
    }
}

/// <summary>A host's activity feed, as the snippet uses it.</summary>
public sealed class Feed
{
    private readonly List<BadgeEarned> _items = [];

    public void Add(BadgeEarned earned) => _items.Add(earned);
}
