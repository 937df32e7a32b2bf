using CommunitySdk;
using CommunitySdk.Leaderboards.Redis;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis leaderboards.</summary>
public static class RedisLeaderboardBuilderExtensions
{
    /// <summary>
    /// Keeps the score board and the points-per-day/week/month boards in Redis, shared by every app instance,
    /// fed from the outbox (<see cref="IRedisLeaderboards"/> reads them, and answers <see cref="ILeaderboards"/> in place
    /// of the in-process boards).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    /// <param name="configure">Sets the other options (the half-life comes from scoring unless set).</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseRedisLeaderboards(this ICommunitySdkBuilder builder, string configuration, Action<RedisLeaderboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        builder.Services.Configure<RedisLeaderboardOptions>(o =>
        {
            o.Configuration = configuration;
            configure?.Invoke(o);
        });
        return builder.UseRedisLeaderboardsCore();
    }

    /// <summary>
    /// Keeps the boards in Redis, with <see cref="RedisLeaderboardOptions"/> bound from configuration (conventionally
    /// <c>Community:Redis</c>, <see cref="RedisLeaderboardOptions.SectionName"/>). A key the options do not have, or a
    /// missing <c>Configuration</c>, fails the host at start.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseRedisLeaderboards(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<RedisLeaderboardOptions>(configuration);
        builder.Services.AddOptions<RedisLeaderboardOptions>().ValidateConfigurationKeys(configuration);
        return builder.UseRedisLeaderboardsCore();
    }

    private static ICommunitySdkBuilder UseRedisLeaderboardsCore(this ICommunitySdkBuilder builder)
    {
        builder.Services.AddOptions<RedisLeaderboardOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisLeaderboardOptions>, RedisLeaderboardOptionsValidator>());
        builder.Services.TryAddSingleton(sp =>
        {
            // Rank with scoring's half-life unless told otherwise, so both sets of boards agree.
            var options = sp.GetRequiredService<IOptions<RedisLeaderboardOptions>>().Value;
            options.HalfLife ??= sp.GetService<IScoringService>()?.HalfLife ?? RedisLeaderboards.DefaultHalfLife;
            return new RedisLeaderboards(options, sp.GetRequiredService<ICommunityCalendar>(), sp.GetRequiredService<ICommunityStore>(), sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.TryAddSingleton<IRedisLeaderboards>(sp => sp.GetRequiredService<RedisLeaderboards>());

        // The shared boards answer ILeaderboards in place of the in-process ones, whatever the order of registration.
        builder.Services.RemoveAll<ILeaderboards>();
        builder.Services.AddSingleton<ILeaderboards>(sp => sp.GetRequiredService<RedisLeaderboards>());
        return builder
            .AddEventHandler<ScoreChanged, RedisLeaderboardUpdater>()
            .AddEventHandler<PointsAwarded, RedisLeaderboardUpdater>()
            .AddEventHandler<PointsReversed, RedisLeaderboardUpdater>()
            .AddEventHandler<MemberErased, RedisLeaderboardUpdater>();
    }
}

/// <summary>Feeds the Redis boards from the outbox; a redelivered event is ignored by Redis itself.</summary>
/// <param name="boards">The boards.</param>
internal sealed class RedisLeaderboardUpdater(IRedisLeaderboards boards) :
    ICommunityEventHandler<ScoreChanged>,
    ICommunityEventHandler<PointsAwarded>,
    ICommunityEventHandler<PointsReversed>,
    ICommunityEventHandler<MemberErased>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(ScoreChanged communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));

    /// <inheritdoc />
    public ValueTask HandleAsync(PointsAwarded communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));

    /// <inheritdoc />
    public ValueTask HandleAsync(PointsReversed communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));

    /// <summary>A member was erased: the boards hold their old id, so they are built again from the rewritten log.</summary>
    /// <inheritdoc />
    public async ValueTask HandleAsync(MemberErased communityEvent, CancellationToken cancellationToken) =>
        await boards.RebuildAsync(communityEvent.Community, cancellationToken).ConfigureAwait(false);
}
