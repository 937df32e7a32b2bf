using MediatR;

namespace CommunitySdk.MediatR;

/// <summary>
/// An SDK event delivered as a MediatR notification after its activity committed. Implement
/// <c>INotificationHandler&lt;ICommunityNotification&gt;</c> to receive every kind; delivery is at least once: dedupe on
/// <see cref="CommunityEvent.Community"/>, <see cref="CommunityEvent.ActivityId"/> and <see cref="CommunityEvent.Index"/>.
/// </summary>
public interface ICommunityNotification : INotification
{
    /// <summary>The SDK event.</summary>
    CommunityEvent CommunityEvent { get; }
}

/// <summary>
/// One kind of SDK event as a MediatR notification: implement
/// <c>INotificationHandler&lt;CommunityNotification&lt;BadgeEarned&gt;&gt;</c> to receive badges earned. The type
/// argument is the event's exact type (<c>PointsAwarded</c>, not its base <c>PointsLedgerEvent</c>).
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <param name="Event">The event.</param>
public sealed record CommunityNotification<TEvent>(TEvent Event) : ICommunityNotification
    where TEvent : CommunityEvent
{
    CommunityEvent ICommunityNotification.CommunityEvent => Event;
}
