using System.Collections.Concurrent;
using System.Reflection;
using CommunitySdk;
using CommunitySdk.MediatR;
using MediatR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MediatR notifications.</summary>
public static class MediatRBuilderExtensions
{
    /// <summary>
    /// Delivers every SDK event, from the outbox (after commit, at least once), to the MediatR notification handlers in
    /// the container: <c>INotificationHandler&lt;CommunityNotification&lt;TEvent&gt;&gt;</c> for one kind of event and
    /// <c>INotificationHandler&lt;ICommunityNotification&gt;</c> for all. The handlers are resolved from the relay's
    /// scope and invoked in turn; no <c>IMediator</c> is needed (its interfaces moved between MediatR versions, the
    /// handler's did not). Handlers in <paramref name="handlerAssemblies"/> are registered (transient) for you.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="handlerAssemblies">Assemblies to scan for such handlers; none to register them yourself.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddMediatRNotifications(this ICommunitySdkBuilder builder, params Assembly[] handlerAssemblies)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handlerAssemblies);
        foreach (var type in handlerAssemblies.SelectMany(a => a.GetTypes()).Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(IsCommunityHandler))
            {
                builder.Services.TryAddEnumerable(ServiceDescriptor.Transient(contract, type));
            }
        }

        return builder.AddEventHandler<CommunityEvent, MediatRNotificationRelay>();
    }

    private static bool IsCommunityHandler(Type contract) =>
        contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(INotificationHandler<>)
        && contract.GetGenericArguments()[0] is var notification
        && (notification == typeof(ICommunityNotification) || (notification.IsGenericType && notification.GetGenericTypeDefinition() == typeof(CommunityNotification<>)));
}

/// <summary>Invokes the MediatR handlers of each SDK event: those of its exact kind, then those of every kind.</summary>
/// <param name="services">The relay batch's scope, where the host's handlers live.</param>
internal sealed class MediatRNotificationRelay(IServiceProvider services) : ICommunityEventHandler<CommunityEvent>
{
    private static readonly MethodInfo DeliverMethod = typeof(MediatRNotificationRelay).GetMethod(nameof(DeliverAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, Func<IServiceProvider, CommunityEvent, CancellationToken, Task>> Deliveries = new();

    /// <inheritdoc />
    public async ValueTask HandleAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(communityEvent);
        var deliver = Deliveries.GetOrAdd(
            communityEvent.GetType(),
            static type => DeliverMethod.MakeGenericMethod(type).CreateDelegate<Func<IServiceProvider, CommunityEvent, CancellationToken, Task>>());
        await deliver(services, communityEvent, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeliverAsync<TEvent>(IServiceProvider services, CommunityEvent communityEvent, CancellationToken cancellationToken)
        where TEvent : CommunityEvent
    {
        var notification = new CommunityNotification<TEvent>((TEvent)communityEvent);
        foreach (var handler in services.GetServices<INotificationHandler<CommunityNotification<TEvent>>>())
        {
            await handler.Handle(notification, cancellationToken).ConfigureAwait(false);
        }

        foreach (var handler in services.GetServices<INotificationHandler<ICommunityNotification>>())
        {
            await handler.Handle(notification, cancellationToken).ConfigureAwait(false);
        }
    }
}
