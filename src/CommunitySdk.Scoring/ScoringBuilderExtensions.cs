using CommunitySdk;
using CommunitySdk.Scoring;
using CommunitySdk.Scoring.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the scoring feature to the SDK.</summary>
public static class ScoringBuilderExtensions
{
    /// <summary>
    /// Adds scoring: <see cref="IScoringService"/>, <see cref="ITierService"/>, the default <see cref="IMemberScorer"/> (register your own to
    /// replace it) and the scoring reactor (order 400, last).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configure">Half-life, weights, network, tiers, cohorts.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddScoring(this ICommunitySdkBuilder builder, Action<ScoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddScoringCore();
    }

    /// <summary>Adds scoring configured from a configuration section (conventionally <c>Community:Scoring</c>). Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start, so a misspelt
    /// setting never goes unnoticed.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddScoring(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<ScoringOptions>(configuration);
        builder.Services.AddOptions<ScoringOptions>().ValidateConfigurationKeys(configuration);
        return builder.AddScoringCore();
    }

    private static ICommunitySdkBuilder AddScoringCore(this ICommunitySdkBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(ScoringModel)))
        {
            services.AddOptions<ScoringOptions>().ValidateDataAnnotations().ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoringOptions>, ScoringOptionsValidator>());
        services.TryAddSingleton<ScoringModel>();
        services.TryAddSingleton<IMemberScorer, DefaultMemberScorer>();
        services.TryAddSingleton<TierEvaluator>();
        services.TryAddSingleton<IScoringService, ScoringService>();
        services.TryAddSingleton<ILeaderboards>(sp => sp.GetRequiredService<IScoringService>()); // UseRedisLeaderboards replaces it
        services.TryAddSingleton<ITierService, TierService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, ScoringDataSection>());
        builder.AddProjection<ScoringProjection>();
        builder.AddReactor<ScoringReactor>();
        builder.AddCommandTypes("scoring.");
        builder.AddEventType<ScoreChanged>("scoring.score-changed");
        builder.AddEventType<TierChanged>("scoring.tier-changed");
        builder.AddEventType<TierGraceStarted>("scoring.tier-grace-started");
        builder.AddEventType<TierGraceCleared>("scoring.tier-grace-cleared");
        builder.AddEventType<TierEndorsed>("scoring.tier-endorsed");
        builder.AddEventType<TierLocked>("scoring.tier-locked");
        builder.AddEventType<MemberSuspended>("scoring.member-suspended");
        return builder;
    }
}
