using CommunitySdk;
using CommunitySdk.Points;
using CommunitySdk.Points.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the points feature to the SDK.</summary>
public static class PointsBuilderExtensions
{
    /// <summary>
    /// Adds points: <see cref="IPointsService"/> (commands and queries), <see cref="IPointsReader"/>,
    /// <see cref="IPointsAwarder"/> for other features, and the points reactor (order 100).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configure">Declares currencies and rules.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddPoints(this ICommunitySdkBuilder builder, Action<PointsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddPointsCore();
    }

    /// <summary>Adds points with currencies and rules bound from configuration (conventionally <c>Community:Points</c>). Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start, so a misspelt
    /// setting never goes unnoticed.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddPoints(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<PointsOptions>(configuration);
        builder.Services.AddOptions<PointsOptions>().ValidateConfigurationKeys(configuration);
        return builder.AddPointsCore();
    }

    private static ICommunitySdkBuilder AddPointsCore(this ICommunitySdkBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(PointsCatalog)))
        {
            services.AddOptions<PointsOptions>().ValidateDataAnnotations().ValidateOnStart();
            builder.AddKnownActivityTypes(sp => sp.GetRequiredService<IOptions<PointsOptions>>().Value.Rules.Select(r => r.ActivityType));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PointsOptions>, PointsOptionsValidator>());
        services.TryAddSingleton<PointsCatalog>();
        services.TryAddSingleton<PointsEngine>();
        services.TryAddSingleton<IPointsAwarder>(sp => sp.GetRequiredService<PointsEngine>());
        services.TryAddSingleton<IPointsService, PointsService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, PointsDataSection>());
        services.TryAddSingleton<IPointsReader>(sp => sp.GetRequiredService<IPointsService>());
        builder.AddProjection<PointsProjection>();
        builder.AddReactor<PointsReactor>();
        builder.AddCommandTypes("points.");
        builder.AddEventType<PointsAwarded>("points.awarded");
        builder.AddEventType<PointsWithheld>("points.withheld");
        builder.AddEventType<PointsSpent>("points.spent");
        builder.AddEventType<PointsDeducted>("points.deducted");
        builder.AddEventType<PointsReversed>("points.reversed");
        builder.AddEventType<PointsExpired>("points.expired");
        builder.AddEventType<PointsExpiring>("points.expiring");
        builder.AddEventType<PointsWithheldCancelled>("points.withheld-cancelled");
        return builder;
    }
}
