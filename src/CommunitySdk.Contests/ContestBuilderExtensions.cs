using CommunitySdk;
using CommunitySdk.Contests;
using CommunitySdk.Contests.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds idea contests and member voting to the SDK.</summary>
public static class ContestBuilderExtensions
{
    /// <summary>
    /// Adds contests: <see cref="IContestService"/> and the contest reactor (order 500). Prizes are paid through the
    /// points feature (<c>AddPoints</c>), honours through badges (<c>AddBadges</c>); tier weights and tier eligibility
    /// follow the scoring feature's tiers (<c>AddScoring</c>).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configure">The contests, tier weights, hot-list half-life and fraud rules.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddContests(this ICommunitySdkBuilder builder, Action<ContestOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddContestsCore();
    }

    /// <summary>Adds contests configured from a configuration section (conventionally <c>Community:Contests</c>). Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddContests(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<ContestOptions>(configuration);
        builder.Services.AddOptions<ContestOptions>().ValidateConfigurationKeys(configuration);
        return builder.AddContestsCore();
    }

    private static ICommunitySdkBuilder AddContestsCore(this ICommunitySdkBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(ContestService)))
        {
            services.AddOptions<ContestOptions>().ValidateDataAnnotations().ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContestOptions>, ContestOptionsValidator>());
        services.TryAddSingleton<ContestService>();
        services.TryAddSingleton<IContestService>(sp => sp.GetRequiredService<ContestService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, ContestsDataSection>());
        builder.AddProjection<ContestProjection>();
        builder.AddReactor<ContestReactor>();
        builder.AddCommandTypes("contest.");
        builder.AddEventType<EntrySubmitted>("contest.entry-submitted");
        builder.AddEventType<EntryEdited>("contest.entry-edited");
        builder.AddEventType<EntryWithdrawn>("contest.entry-withdrawn");
        builder.AddEventType<EntryModerated>("contest.entry-moderated");
        builder.AddEventType<EntryReported>("contest.entry-reported");
        builder.AddEventType<VoteCast>("contest.vote-cast");
        builder.AddEventType<VoteRevoked>("contest.vote-revoked");
        builder.AddEventType<VotesReviewed>("contest.votes-reviewed");
        builder.AddEventType<EntryShortlisted>("contest.entry-shortlisted");
        builder.AddEventType<ContestFinished>("contest.finished");
        return builder;
    }
}
