using System.Collections.Concurrent;
using CommunitySdk.Badges;
using CommunitySdk.Mediator;

namespace CommunitySdk.Shop.Services;

/// <summary>Recent "you earned ..." messages per member, filled from Mediator notifications.</summary>
public sealed class NotificationFeed
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byMember = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(long, int), bool> _seen = new();

    /// <summary>Adds a message once per event (delivery is at least once).</summary>
    public void Add(CommunityEvent communityEvent, string message)
    {
        if (_seen.TryAdd((communityEvent.ActivityId, communityEvent.Index), true))
        {
            var queue = _byMember.GetOrAdd(communityEvent.Member.Value, _ => new ConcurrentQueue<string>());
            queue.Enqueue(message);
            while (queue.Count > 5 && queue.TryDequeue(out _))
            {
            }
        }
    }

    public IReadOnlyList<string> For(MemberId member) => _byMember.TryGetValue(member.Value, out var queue) ? queue.Reverse().ToList() : [];
}

// begin-snippet: notifications-mediator-handler
/// <summary>A Mediator notification handler: badges earned go to the member's feed, by the badge's name.</summary>
public sealed class BadgeFeedHandler(NotificationFeed feed, IBadgeService badges) : CommunityNotificationHandler<BadgeEarned>
{
    protected override ValueTask HandleAsync(BadgeEarned communityEvent, CancellationToken cancellationToken)
    {
        var badge = badges.Definitions.FirstOrDefault(b => b.Id == communityEvent.BadgeId);
        var name = badge?.LevelName is { } level ? $"{badge.Name} ({level})" : badge?.Name ?? communityEvent.BadgeId;
        feed.Add(communityEvent, $"You earned the badge “{name}”.");
        return ValueTask.CompletedTask;
    }
}
// end-snippet
