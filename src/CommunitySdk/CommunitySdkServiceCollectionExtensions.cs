using System.Diagnostics.Metrics;
using CommunitySdk;
using CommunitySdk.Internal;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommunitySdk in an <see cref="IServiceCollection"/>.</summary>
public static class CommunitySdkServiceCollectionExtensions
{
    /// <summary>Sub-sections of <c>Community</c> that belong to the feature packages, not to <see cref="CommunityOptions"/>.</summary>
    private static readonly string[] FeatureSections = ["Points", "Referrals", "Badges", "Scoring", "Contests", "Endpoints", "Jobs", "Sqlite", "PostgreSql", "Redis"];

    /// <summary>
    /// Adds the core: the activity pipeline (<see cref="ICommunity"/>), the member directory, replay, the
    /// outbox relay and the in-memory store (replace it with <c>UseSqlite</c> or another store). Safe to call
    /// more than once; every service is added with <c>TryAdd</c>, so a host may register its own first.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder, to add features and a store.</returns>
    public static ICommunitySdkBuilder AddCommunitySdk(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CoreMarker)))
        {
            return new CommunitySdkBuilder(services);
        }

        services.AddSingleton<CoreMarker>();
        services.AddOptions<CommunityOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommunityOptions>, CommunityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICommunityStore, InMemoryCommunityStore>();
        services.TryAddSingleton<ICommunityCalendar, CommunityCalendar>();
        services.TryAddSingleton<ICommunityResolver, OptionsCommunityResolver>();
        services.TryAddSingleton<ICommandActivityTypes, CommandActivityTypes>();
        services.TryAddSingleton<IKnownActivityTypes, KnownActivityTypes>();
        services.TryAddSingleton(sp => new CommunityMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ProjectionCoordinator>();
        services.TryAddSingleton<IProjectionSynchronizer>(sp => sp.GetRequiredService<ProjectionCoordinator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IActivityReactor, MembershipReactor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IActivityReactor, ReversalReactor>());
        services.TryAddSingleton<ActivityPipeline>();
        services.TryAddSingleton<ICommunity>(sp => sp.GetRequiredService<ActivityPipeline>());
        services.TryAddSingleton<ICommunityImporter>(sp => sp.GetRequiredService<ActivityPipeline>());
        services.TryAddSingleton<IMemberDirectory, MemberDirectory>();
        services.TryAddSingleton<IMemberDataExporter, MemberDataExporter>();
        services.TryAddSingleton<IMemberEraser, MemberEraser>();
        services.TryAddSingleton<IActivityRetention, ActivityRetention>();
        services.TryAddSingleton<ICommunityReplayer, CommunityReplayer>();
        services.TryAddSingleton<ICommunityOutbox, OutboxRelay>();
        services.TryAddSingleton<CommunityEventSerializer>();
        var builder = new CommunitySdkBuilder(services);
        builder.AddEventType<MemberJoined>("member.joined").AddEventType<MemberProfileUpdated>("member.profile-updated")
            .AddEventType<ActivityReversed>("activity.reversed")
            .AddEventType<MemberErased>("member.erased")
            .AddCommandTypes(CommunityActivityTypes.MemberJoined, CommunityActivityTypes.MemberProfileUpdated, CommunityActivityTypes.Reverse, CommunityActivityTypes.Erase, ReversalReactor.LegacyPointsReverse)
            .AddProjection<ReversalProjection>();
        return builder;
    }

    /// <summary>Adds the core and configures its options in code. See <see cref="AddCommunitySdk(IServiceCollection)"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddCommunitySdk(this IServiceCollection services, Action<CommunityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddCommunitySdk();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds the core and binds its options from a configuration section (conventionally <c>Community</c>).
    /// See <see cref="AddCommunitySdk(IServiceCollection)"/>.
    ///  Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start, so a misspelt
    /// setting never goes unnoticed.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddCommunitySdk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddCommunitySdk();
        services.Configure<CommunityOptions>(configuration);
        services.AddOptions<CommunityOptions>().ValidateConfigurationKeys(configuration, FeatureSections);
        return builder;
    }

    /// <summary>Marks a collection the core was added to, so a second call adds nothing twice.</summary>
    private sealed class CoreMarker;
}
