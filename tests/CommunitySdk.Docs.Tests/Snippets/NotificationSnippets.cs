using CommunitySdk.Badges;
using CommunitySdk.MediatR;
using CommunitySdk.Points;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

// begin-snippet: notifications-handler
public sealed class SendWelcomeMail(IMailer mailer) : ICommunityEventHandler<BadgeEarned>
{
    public ValueTask HandleAsync(BadgeEarned e, CancellationToken cancellationToken) =>
        mailer.SendOnceAsync(key: $"{e.Community.Value}/{e.ActivityId}/{e.Index}", recipient: e.Member.Value, cancellationToken);
}
// end-snippet

// begin-snippet: notifications-mediatr-handlers
public sealed class AwardMail(IMailer mailer) : INotificationHandler<CommunityNotification<PointsAwarded>>
{
    public Task Handle(CommunityNotification<PointsAwarded> n, CancellationToken cancellationToken) =>
        mailer.SendOnceAsync(key: $"{n.Event.ActivityId}/{n.Event.Index}", recipient: n.Event.Member.Value, cancellationToken).AsTask();
}

public sealed class Audit(AuditLog log) : INotificationHandler<ICommunityNotification> // every kind
{
    public Task Handle(ICommunityNotification n, CancellationToken cancellationToken) => log.WriteAsync(n.CommunityEvent, cancellationToken);
}
// end-snippet

/// <summary>docs/notifications.md.</summary>
public static class NotificationSnippets
{
    public static void Register(IServiceCollection services)
    {
        // begin-snippet: notifications-register
        services.AddCommunitySdk()
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)))
            .AddEventHandler<BadgeEarned, SendWelcomeMail>();
        // end-snippet
    }

    public static void RegisterMediatR(IServiceCollection services)
    {
        // begin-snippet: notifications-mediatr
        services.AddCommunitySdk()
            .AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1))
            .AddMediatRNotifications(typeof(AwardMail).Assembly); // registers the handlers of that assembly (transient)
        // end-snippet
    }
}

/// <summary>The host's mail sender, as the snippets use it.</summary>
public interface IMailer
{
    /// <summary>Sends once per key.</summary>
    ValueTask SendOnceAsync(string key, string recipient, CancellationToken cancellationToken);
}

/// <summary>The host's audit log, as the snippets use it.</summary>
public sealed class AuditLog
{
    public List<CommunityEvent> Written { get; } = [];

    public Task WriteAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
    {
        Written.Add(communityEvent);
        return Task.CompletedTask;
    }
}
