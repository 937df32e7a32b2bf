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

/// <summary>
/// Relays the outbox: publishes committed events to event handlers, at least once. Each handler acknowledges each
/// event; a failed delivery is retried later with exponential backoff, only to the handlers that have not acknowledged
/// it, and after <see cref="CommunityOptions.OutboxMaxAttempts"/> attempts the entry is dead-lettered.
/// </summary>
public interface ICommunityOutbox
{
    /// <summary>
    /// Publishes the due pending events until none is left (or only entries not due yet). An event a handler fails on
    /// stays pending for that handler and is retried after a backoff.
    /// </summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many activities' events were delivered to every handler.</returns>
    ValueTask<int> RelayPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Dead-lettered entries: activities whose events a handler kept failing on (for an admin page or an alert).</summary>
    /// <param name="max">At most this many, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, with their last error.</returns>
    ValueTask<IReadOnlyList<Storage.OutboxEntry>> GetDeadLettersAsync(int max = 100, CancellationToken cancellationToken = default);

    /// <summary>Makes dead-lettered entries pending again (after the failing handler was fixed), due now.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many were requeued.</returns>
    ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<Storage.OutboxKey> entries, CancellationToken cancellationToken = default);
}
