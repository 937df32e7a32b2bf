using Mediator;

namespace CommunitySdk.Mediator;

/// <summary>
/// An SDK event published as a Mediator notification after its activity committed. Delivery is at least once:
/// dedupe on <see cref="CommunityEvent.Community"/>, <see cref="CommunityEvent.ActivityId"/> and
/// <see cref="CommunityEvent.Index"/>. One notification type carries every event kind because Mediator's source
/// generator does not support generic notification types; derive a handler from
/// <see cref="CommunityNotificationHandler{TEvent}"/> to receive one kind only.
/// </summary>
/// <param name="Event">The SDK event (<c>PointsAwarded</c>, <c>BadgeEarned</c>, <c>ReferralQualified</c>, ...).</param>
public sealed record CommunityNotification(CommunityEvent Event) : INotification;

/// <summary>
/// A Mediator notification handler for one kind of SDK event: notifications of other kinds are ignored.
/// Throwing leaves the event in the outbox, and it is published again (to every handler) on a later relay.
/// </summary>
/// <typeparam name="TEvent">The event type (a subclass matches too).</typeparam>
public abstract class CommunityNotificationHandler<TEvent> : INotificationHandler<CommunityNotification>
    where TEvent : CommunityEvent
{
    /// <inheritdoc />
    public ValueTask Handle(CommunityNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return notification.Event is TEvent typed ? HandleAsync(typed, cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Handles one event of the kind.</summary>
    /// <param name="communityEvent">The event.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when handled.</returns>
    protected abstract ValueTask HandleAsync(TEvent communityEvent, CancellationToken cancellationToken);
}
