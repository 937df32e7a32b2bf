using CommunitySdk.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// Healthy when the store answers a read (the last activity id of a probe community) within the health
/// check's timeout; unhealthy with the store's exception otherwise. Also reports the outbox backlog.
/// </summary>
/// <param name="store">The store.</param>
public sealed class CommunityStoreHealthCheck(ICommunityStore store) : IHealthCheck
{
    private static readonly CommunityId Probe = new("health-probe");

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await store.GetLastActivityIdAsync(Probe, cancellationToken).ConfigureAwait(false);
            var pending = await store.GetPendingOutboxAsync(1000, cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["store"] = store.GetType().Name, ["outboxPending"] = pending.Count };
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
