using System.Collections.Concurrent;
using CommunitySdk.Badges;
using CommunitySdk.Mediator;

namespace CommunitySdk.Shop.Services;

/// <summary>One "you earned ..." banner: the badge, shown by its name in the reader's language until dismissed.</summary>
/// <param name="Id">The banner's id (the event's position in the log).</param>
/// <param name="BadgeId">The badge earned.</param>
public sealed record FeedItem(string Id, string BadgeId);

/// <summary>Recent "you earned ..." banners per member (the last five), filled from Mediator notifications.</summary>
public sealed class NotificationFeed
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FeedItem>> _byMember = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(long, int), bool> _seen = new();

    /// <summary>Adds a banner once per event (delivery is at least once).</summary>
    public void Add(CommunityEvent communityEvent, string badgeId)
    {
        if (_seen.TryAdd((communityEvent.ActivityId, communityEvent.Index), true))
        {
            var queue = _byMember.GetOrAdd(communityEvent.Member.Value, _ => new ConcurrentQueue<FeedItem>());
            queue.Enqueue(new FeedItem($"{communityEvent.ActivityId}-{communityEvent.Index}", badgeId));
            while (queue.Count > 5 && queue.TryDequeue(out _))
            {
            }
        }
    }

    /// <summary>The member's banners, newest first.</summary>
    public IReadOnlyList<FeedItem> For(MemberId member) => _byMember.TryGetValue(member.Value, out var queue) ? queue.Reverse().ToList() : [];

    /// <summary>Removes one of the member's banners.</summary>
    public void Dismiss(MemberId member, string id)
    {
        if (_byMember.TryGetValue(member.Value, out var queue))
        {
            var kept = new ConcurrentQueue<FeedItem>(queue.Where(i => i.Id != id));
            _byMember.TryUpdate(member.Value, kept, queue);
        }
    }
}

// begin-snippet: notifications-mediator-handler
/// <summary>A Mediator notification handler: each badge earned becomes a banner in the member's feed.</summary>
public sealed class BadgeFeedHandler(NotificationFeed feed) : CommunityNotificationHandler<BadgeEarned>
{
    protected override ValueTask HandleAsync(BadgeEarned communityEvent, CancellationToken cancellationToken)
    {
        // The banner keeps the badge id; the page shows the badge's name in the reader's language (IBadgeService).
        feed.Add(communityEvent, communityEvent.BadgeId);
        return ValueTask.CompletedTask;
    }
}
// end-snippet
