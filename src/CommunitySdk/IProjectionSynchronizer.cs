namespace CommunitySdk;

/// <summary>
/// Keeps projections in step with the store's log. Feature queries call <see cref="EnsureCurrentAsync"/>
/// before reading a projection, so that a fresh process (or another instance sharing a store) sees
/// every committed activity.
/// </summary>
public interface IProjectionSynchronizer
{
    /// <summary>Applies any committed activity the projections of the community have not seen yet.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the projections are current.</returns>
    ValueTask EnsureCurrentAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>Relays the outbox: publishes committed events to event handlers, at least once.</summary>
public interface ICommunityOutbox
{
    /// <summary>
    /// Publishes pending events to every <see cref="ICommunityEventHandler{TEvent}"/> until none is left
    /// (or only failing ones). An event whose handler throws stays pending and is retried on a later call.
    /// </summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many events were delivered.</returns>
    ValueTask<int> RelayPendingAsync(CancellationToken cancellationToken = default);
}
