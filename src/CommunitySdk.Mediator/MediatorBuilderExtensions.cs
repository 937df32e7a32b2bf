using CommunitySdk;
using CommunitySdk.Mediator;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Mediator notifications.</summary>
public static class MediatorBuilderExtensions
{
    /// <summary>
    /// Publishes every SDK event as a <see cref="CommunityNotification"/> through Mediator's
    /// <see cref="global::Mediator.IPublisher"/>, from the outbox: after commit, at least once. The host adds
    /// Mediator itself (<c>services.AddMediator()</c> from Mediator.SourceGenerator), which finds the
    /// notification handlers at compile time.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddMediatorNotifications(this ICommunitySdkBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEventHandler<CommunityEvent, MediatorPublishingHandler>();
    }
}

/// <summary>Relays each SDK event from the outbox to Mediator.</summary>
/// <param name="services">The relay batch's scope, where the host's publisher lives.</param>
internal sealed class MediatorPublishingHandler(IServiceProvider services) : ICommunityEventHandler<CommunityEvent>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(communityEvent);
        var publisher = services.GetService<global::Mediator.IPublisher>()
            ?? throw new InvalidOperationException(
                "AddMediatorNotifications() needs Mediator: reference Mediator.SourceGenerator in the host project and call services.AddMediator().");
        return publisher.Publish(new CommunityNotification(communityEvent), cancellationToken);
    }
}
