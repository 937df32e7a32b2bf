using CommunitySdk;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores, reactors, projections and event handlers on an <see cref="ICommunitySdkBuilder"/>.</summary>
public static class CommunitySdkBuilderExtensions
{
    /// <summary>Uses <typeparamref name="TStore"/> (a singleton) as the store, replacing any store registered before.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseStore<TStore>(this ICommunitySdkBuilder builder)
        where TStore : class, ICommunityStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICommunityStore, TStore>());
        return builder;
    }

    /// <summary>Uses the store the factory creates (once, as a singleton), replacing any store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseStore(this ICommunitySdkBuilder builder, Func<IServiceProvider, ICommunityStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Uses the in-memory store (the default): nothing survives the process.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseInMemoryStore(this ICommunitySdkBuilder builder) => builder.UseStore<InMemoryCommunityStore>();

    /// <summary>Adds a reactor (a singleton) to the activity pipeline. Adding the same type twice adds it once.</summary>
    /// <typeparam name="TReactor">The reactor type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddReactor<TReactor>(this ICommunitySdkBuilder builder)
        where TReactor : class, IActivityReactor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IActivityReactor, TReactor>());
        return builder;
    }

    /// <summary>
    /// Adds a projection (a singleton, also resolvable as <typeparamref name="TProjection"/> for the feature's queries).
    /// A <see cref="CommunitySdk.Projections.CommunityProjection{TState}"/> gets per-community state, catch-up, snapshots, rebuilds and
    /// faults from the core; a plain <see cref="ICommunityProjection"/> is applied to every committed activity and reset
    /// on rebuild (and turns snapshots off). Adding the same type twice adds it once.
    /// </summary>
    /// <typeparam name="TProjection">The projection type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddProjection<TProjection>(this ICommunitySdkBuilder builder)
        where TProjection : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (typeof(CommunitySdk.Projections.CommunityProjection).IsAssignableFrom(typeof(TProjection)))
        {
            if (!services.Any(d => d.ServiceType == typeof(CommunitySdk.Projections.ProjectionRegistration) && (d.ImplementationInstance as CommunitySdk.Projections.ProjectionRegistration)?.Type == typeof(TProjection)))
            {
                services.AddSingleton(new CommunitySdk.Projections.ProjectionRegistration(typeof(TProjection)));
            }

            services.TryAddSingleton(sp => (TProjection)(object)sp.GetRequiredService<CommunitySdk.Projections.ProjectionCoordinator>().Projections.Single(p => p.GetType() == typeof(TProjection)));
        }
        else if (typeof(ICommunityProjection).IsAssignableFrom(typeof(TProjection)))
        {
            typeof(CommunitySdkBuilderExtensions).GetMethod(nameof(AddPlainProjection), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(typeof(TProjection)).Invoke(null, [services]);
        }
        else
        {
            throw new ArgumentException($"{typeof(TProjection).Name} is neither a CommunityProjection<TState> nor an ICommunityProjection.", nameof(TProjection));
        }

        return builder;
    }

    /// <summary>
    /// Adds a handler (scoped: one instance per relay batch) of <typeparamref name="TEvent"/>, called after
    /// commit, at least once per event. Use <see cref="CommunityEvent"/> to receive every event.
    /// </summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddEventHandler<TEvent, THandler>(this ICommunitySdkBuilder builder)
        where TEvent : CommunityEvent
        where THandler : class, ICommunityEventHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<ICommunityEventHandler<TEvent>, THandler>());
        return builder;
    }

    /// <summary>
    /// Registers an event type that reactors emit, under a stable name, so durable stores can persist it.
    /// Every SDK feature registers its own; hosts register the events their own reactors emit.
    /// </summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The stable name stored with each event (for example <c>shop.voucher-issued</c>).</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddEventType<TEvent>(this ICommunitySdkBuilder builder, string name)
        where TEvent : CommunityEvent
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddSingleton(new CommunityEventType(typeof(TEvent), name));
        return builder;
    }

    /// <summary>
    /// Adds a source of activity types a feature's rules name (for <see cref="IKnownActivityTypes"/>): read from the
    /// feature's options once, when options validation first asks.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="source">Reads the types from the container (typically from the feature's options).</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddKnownActivityTypes(this ICommunitySdkBuilder builder, Func<IServiceProvider, IEnumerable<string>> source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.AddSingleton(new CommunitySdk.Internal.KnownActivityTypeSource(source));
        builder.Services.TryAddSingleton<IKnownActivityTypes, CommunitySdk.Internal.KnownActivityTypes>();
        return builder;
    }

    /// <summary>
    /// Reserves command activity types: only trusted host code (the typed services, admin endpoints,
    /// <see cref="ICommunity.RecordAsync"/>) records them; member-facing endpoints refuse them whatever their
    /// options say (see <see cref="ICommandActivityTypes"/>). An entry ending with a dot reserves a whole
    /// namespace (<c>points.</c>). Every SDK feature reserves its own; a host reserves the commands of its reactors.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="typesOrNamespaces">Activity types, or namespaces ending with a dot.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddCommandTypes(this ICommunitySdkBuilder builder, params string[] typesOrNamespaces)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(typesOrNamespaces);
        foreach (var entry in typesOrNamespaces)
        {
            var name = entry?.TrimEnd('.');
            if (Activity.CheckName(name, Activity.MaxTypeLength) is { } reason)
            {
                throw new ArgumentException($"'{entry}' is not an activity type or namespace: it {reason}.", nameof(typesOrNamespaces));
            }

            builder.Services.AddSingleton(new CommunitySdk.Internal.CommandTypeRegistration(entry!)); // duplicates are merged by the registry
        }

        return builder;
    }

    private static void AddPlainProjection<TProjection>(IServiceCollection services)
        where TProjection : class, ICommunityProjection
    {
        services.TryAddSingleton<TProjection>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICommunityProjection, TProjection>(sp => sp.GetRequiredService<TProjection>()));
    }
}
