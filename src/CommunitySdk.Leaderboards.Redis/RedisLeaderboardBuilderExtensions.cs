using CommunitySdk.Leaderboards.Redis;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CommunitySdk;

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
        var options = new RedisLeaderboardOptions { Configuration = configuration };
        configure?.Invoke(options);
        builder.Services.TryAddSingleton(sp =>
        {
            // Rank with scoring's half-life unless told otherwise, so both sets of boards agree.
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
            .AddEventHandler<PointsReversed, RedisLeaderboardUpdater>();
    }
}

/// <summary>Feeds the Redis boards from the outbox; a redelivered event is ignored by Redis itself.</summary>
/// <param name="boards">The boards.</param>
internal sealed class RedisLeaderboardUpdater(IRedisLeaderboards boards) :
    ICommunityEventHandler<ScoreChanged>,
    ICommunityEventHandler<PointsAwarded>,
    ICommunityEventHandler<PointsReversed>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(ScoreChanged communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));

    /// <inheritdoc />
    public ValueTask HandleAsync(PointsAwarded communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));

    /// <inheritdoc />
    public ValueTask HandleAsync(PointsReversed communityEvent, CancellationToken cancellationToken) => new(boards.ApplyAsync(communityEvent, cancellationToken));
}
