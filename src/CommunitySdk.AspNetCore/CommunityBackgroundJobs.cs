using CommunitySdk.Points;
using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// The SDK's background work, on the registered <see cref="TimeProvider"/> (so tests drive it with a fake clock):
/// at start, the warm-up (each community folded once, so the first request does not pay for it); then the outbox
/// relay (publishes events that an inline publish could not deliver, or all of them when
/// <c>PublishEventsInline</c> is off), the points expiry sweep, the tier review and free-text retention, each at its own interval.
/// A failing pass is logged and tried again at the next tick; it never stops the host.
/// </summary>
/// <param name="services">The root services (each pass runs in its own scope).</param>
/// <param name="time">The clock.</param>
/// <param name="options">The job intervals and communities.</param>
/// <param name="community">The core options (communities configured there are visited when the job options name none).</param>
/// <param name="logger">The log.</param>
public sealed partial class CommunityBackgroundJobs(
    IServiceScopeFactory services,
    TimeProvider time,
    IOptions<CommunityJobOptions> options,
    IOptions<CommunityOptions> community,
    ILogger<CommunityBackgroundJobs> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var jobs = options.Value;
        return Task.WhenAll(
            jobs.WarmUpOnStart ? WarmUpAsync(stoppingToken) : Task.CompletedTask,
            RunEveryAsync("outbox relay", jobs.OutboxRelayInterval, RelayAsync, stoppingToken),
            RunEveryAsync("expiry sweep", jobs.ExpirySweepInterval, SweepAsync, stoppingToken),
            RunEveryAsync("tier review", jobs.TierReviewInterval, ReviewAsync, stoppingToken),
            RunEveryAsync("retention", jobs.RetentionInterval, RetainAsync, stoppingToken));
    }

    /// <summary>Folds every community once (a failure is logged: the community folds on its first request instead).</summary>
    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never delay the host's start
        using var scope = services.CreateScope();
        var projections = scope.ServiceProvider.GetRequiredService<IProjectionSynchronizer>();
        foreach (var id in Communities())
        {
            try
            {
                var started = time.GetTimestamp();
                await projections.EnsureCurrentAsync(id, stoppingToken).ConfigureAwait(false);
                var took = time.GetElapsedTime(started);
                LogWarmedUp(id, took);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the community folds on its first request instead
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(ex, "warm-up");
            }
        }
    }

    private static async Task<int> RelayAsync(IServiceProvider scope, CancellationToken cancellationToken) =>
        await scope.GetRequiredService<ICommunityOutbox>().RelayPendingAsync(cancellationToken).ConfigureAwait(false);

    private Task<int> SweepAsync(IServiceProvider scope, CancellationToken cancellationToken) =>
        PerCommunityAsync<IPointsService>(scope, static (points, id, ct) => points.SweepExpiryAsync(id, ct), cancellationToken);

    private Task<int> ReviewAsync(IServiceProvider scope, CancellationToken cancellationToken) =>
        PerCommunityAsync<IScoringService>(scope, static (scoring, id, ct) => scoring.ReviewTiersAsync(id, ct), cancellationToken);

    private Task<int> RetainAsync(IServiceProvider scope, CancellationToken cancellationToken) =>
        PerCommunityAsync<IActivityRetention>(scope, static (retention, id, ct) => retention.ApplyAsync(id, ct), cancellationToken);

    /// <summary>Runs a feature's pass over every community; nothing when the feature is not registered.</summary>
    private async Task<int> PerCommunityAsync<TService>(IServiceProvider scope, Func<TService, CommunityId, CancellationToken, ValueTask<int>> pass, CancellationToken cancellationToken)
        where TService : class
    {
        if (scope.GetService<TService>() is not { } service)
        {
            return 0;
        }

        var done = 0;
        foreach (var id in Communities())
        {
            done += await pass(service, id, cancellationToken).ConfigureAwait(false);
        }

        return done;
    }

    private IEnumerable<CommunityId> Communities()
    {
        var named = options.Value.Communities.Count > 0 ? options.Value.Communities : (IEnumerable<string>)community.Value.Communities.Keys;
        return named.Select(n => new CommunityId(n));
    }

    private async Task RunEveryAsync(string job, TimeSpan interval, Func<IServiceProvider, CancellationToken, Task<int>> pass, CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var scope = services.CreateAsyncScope();
                    await using (scope.ConfigureAwait(false))
                    {
                        var done = await pass(scope.ServiceProvider, stoppingToken).ConfigureAwait(false);
                        LogPass(job, done);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failing pass is retried at the next tick; the host must keep running.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogFailed(ex, job);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CommunitySdk warm-up: community {Community} folded in {Took}")]
    private partial void LogWarmedUp(CommunityId community, TimeSpan took);

    [LoggerMessage(Level = LogLevel.Debug, Message = "CommunitySdk {Job}: {Count} done")]
    private partial void LogPass(string job, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CommunitySdk {Job} failed; it runs again at the next tick")]
    private partial void LogFailed(Exception exception, string job);
}
