using CommunitySdk.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// Healthy when the store answers a read (the last activity id of a probe community) within the health
/// check's timeout and no projection is faulted; unhealthy with the store's exception, or with the faulted
/// projections (which refuse queries and writes until a rebuild), otherwise; degraded when outbox entries are
/// dead-lettered (a handler kept failing). Also reports the outbox backlog.
/// </summary>
/// <param name="store">The store.</param>
/// <param name="projections">The projections' state (for faults).</param>
public sealed class CommunityStoreHealthCheck(ICommunityStore store, IProjectionSynchronizer projections) : IHealthCheck
{
    private static readonly CommunityId Probe = new("health-probe");

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await store.GetLastActivityIdAsync(Probe, cancellationToken).ConfigureAwait(false);
            var pending = await store.GetPendingOutboxAsync(1000, DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
            var dead = await store.GetDeadLettersAsync(100, cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["store"] = store.GetType().Name, ["outboxPending"] = pending.Count, ["outboxDeadLetters"] = dead.Count };
            var faults = projections.GetFaults();
            if (faults.Count > 0)
            {
                data["faultedProjections"] = faults.Select(f => $"{f.Community}/{f.Projection} at activity {f.ActivityId}: {f.Error}").ToArray();
                return new HealthCheckResult(
                    context.Registration.FailureStatus,
                    $"{faults.Count} projection(s) faulted; rebuild them (ICommunityReplayer.RebuildAsync): {string.Join("; ", faults.Select(f => $"{f.Community}/{f.Projection}"))}",
                    data: data);
            }

            if (dead.Count > 0)
            {
                data["deadLetters"] = dead.Take(10).Select(d => $"{d.Community}/{d.ActivityId} after {d.Attempts} attempts: {d.LastError}").ToArray();
                return HealthCheckResult.Degraded(
                    $"{dead.Count}{(dead.Count == 100 ? "+" : string.Empty)} outbox entries are dead-lettered (a handler kept failing); see ICommunityOutbox.GetDeadLettersAsync, requeue with RequeueDeadLettersAsync",
                    data: data);
            }

            return HealthCheckResult.Healthy($"{store.GetType().Name} answered", data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any store failure is the unhealthy result, not an exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{store.GetType().Name} failed: {ex.Message}", ex);
        }
    }
}
