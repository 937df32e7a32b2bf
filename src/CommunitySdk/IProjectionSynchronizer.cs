namespace CommunitySdk;

/// <summary>
/// Keeps projections in step with the store's log. A community is folded once per process (from its newest snapshot
/// and the log after it), outside any write session; queries through <c>CommunityProjection&lt;T&gt;.ReadAsync</c> catch
/// up with commits of other writers by themselves.
/// </summary>
public interface IProjectionSynchronizer
{
    /// <summary>
    /// Folds the community if this process has not yet (a warm-up), and applies any committed activity the projections
    /// have not seen.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the projections are current.</returns>
    ValueTask EnsureCurrentAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a snapshot of the community's committed state now (the SDK also takes them in the background, see
    /// <see cref="CommunityOptions.Snapshots"/>). Writers of the community wait while the state is serialized.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns><see langword="true"/> when a snapshot was written; <see langword="false"/> when the store keeps none, a projection cannot be snapshotted, one is faulted, or nothing changed since the last one.</returns>
    ValueTask<bool> TakeSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>Projections that failed to fold an activity and refuse until a rebuild (for health checks).</summary>
    /// <returns>The faults.</returns>
    IReadOnlyList<ProjectionFaultInfo> GetFaults();
}

/// <summary>A faulted projection of a community.</summary>
/// <param name="Community">The community.</param>
/// <param name="Projection">The projection's name.</param>
/// <param name="ActivityId">The activity it failed on.</param>
/// <param name="Error">What it threw.</param>
public sealed record ProjectionFaultInfo(CommunityId Community, string Projection, long ActivityId, string Error);

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
