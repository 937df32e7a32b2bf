using CommunitySdk;
using CommunitySdk.Badges;
using CommunitySdk.Badges.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers badges.</summary>
public static class BadgeBuilderExtensions
{
    /// <summary>Adds badges defined in code.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configure">Defines the badges.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddBadges(this ICommunitySdkBuilder builder, Action<BadgeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddBadgesCore();
    }

    /// <summary>Adds badges defined in configuration (for example the <c>Community:Badges</c> section). Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start, so a misspelt
    /// setting never goes unnoticed.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The section with <c>Badges</c> and <c>Families</c>.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddBadges(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<BadgeOptions>(configuration);
        builder.Services.AddOptions<BadgeOptions>().ValidateConfigurationKeys(configuration);
        return builder.AddBadgesCore();
    }

    /// <summary>Registers a host-supplied criterion that badge definitions name with <c>Kind: Custom</c>.</summary>
    /// <typeparam name="TCriterion">The criterion.</typeparam>
    /// <param name="builder">The SDK builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddBadgeCriterion<TCriterion>(this ICommunitySdkBuilder builder)
        where TCriterion : class, IBadgeCriterion
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IBadgeCriterion, TCriterion>());
        return builder;
    }

    private static ICommunitySdkBuilder AddBadgesCore(this ICommunitySdkBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(BadgeCatalog)))
        {
            services.AddOptions<BadgeOptions>().ValidateDataAnnotations().ValidateOnStart();
            builder.AddKnownActivityTypes(sp => ActivityTypesOf(sp.GetRequiredService<IOptions<BadgeOptions>>().Value));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BadgeOptions>, BadgeOptionsValidator>());
        services.TryAddSingleton<BadgeCatalog>();
        services.TryAddSingleton<IBadgeService, BadgeService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, BadgesDataSection>());
        builder.AddProjection<BadgeProjection>();
        builder.AddReactor<BadgeReactor>();
        builder.AddCommandTypes("badges.");
        builder.AddEventType<BadgeEarned>("badges.earned");
        builder.AddEventType<BadgeRevoked>("badges.revoked");
        return builder;
    }

    private static IEnumerable<string> ActivityTypesOf(BadgeOptions options)
    {
        var pending = new Stack<BadgeCriterion>(options.Badges.Select(b => b.Criterion).Concat(options.Families.SelectMany(f => f.Levels.Select(l => l.Criterion))).OfType<BadgeCriterion>());
        while (pending.TryPop(out var criterion))
        {
            if (criterion.ActivityType is { } type)
            {
                yield return type;
            }

            foreach (var part in criterion.Of)
            {
                pending.Push(part);
            }
        }
    }
}
