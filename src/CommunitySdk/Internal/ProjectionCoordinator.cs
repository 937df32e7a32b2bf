using System.Collections.Concurrent;
using CommunitySdk.Storage;
using Microsoft.Extensions.Logging;

namespace CommunitySdk.Internal;

/// <summary>
/// Applies committed activities to every projection exactly once, in log order, per community. The write
/// path holds a community's gate from catch-up to apply; readers catch up through the same gate.
/// </summary>
internal sealed partial class ProjectionCoordinator(
    ICommunityStore store,
    IEnumerable<ICommunityProjection> projections,
    ICommunityResolver communities,
    ILogger<ProjectionCoordinator> logger) : IProjectionSynchronizer
{
    private readonly ICommunityProjection[] _projections = projections.ToArray();
    private readonly ConcurrentDictionary<CommunityId, State> _states = new();

    public async ValueTask EnsureCurrentAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        await ActivityPipeline.RequireKnownAsync(communities, community, cancellationToken).ConfigureAwait(false);
        var state = GetState(community);
        var last = await store.GetLastActivityIdAsync(community, cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref state.Applied) >= last)
        {
            return;
        }

        using var lease = await EnterAsync(community, last, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the community's gate and catches up to <paramref name="lastCommitted"/>.</summary>
    public async ValueTask<Lease> EnterAsync(CommunityId community, long lastCommitted, CancellationToken cancellationToken)
    {
        var state = GetState(community);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var lease = new Lease(this, state);
        try
        {
            if (state.Applied < lastCommitted)
            {
                await foreach (var committed in store.ReadLogAsync(community, state.Applied, cancellationToken).ConfigureAwait(false))
                {
                    if (committed.ActivityId > lastCommitted)
                    {
                        break;
                    }

                    lease.Apply(committed);
                }
            }

            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Takes the gate and forgets everything the projections know about the community (for replay).</summary>
    public async ValueTask<Lease> EnterForReplayAsync(CommunityId community, CancellationToken cancellationToken)
    {
        var state = GetState(community);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var projection in _projections)
        {
            projection.Reset(community);
        }

        state.Applied = 0;
        return new Lease(this, state);
    }

    private State GetState(CommunityId community) => _states.GetOrAdd(community, static _ => new State());

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} failed to apply activity {ActivityId} of community {Community}")]
    private partial void LogProjectionFailed(Exception exception, string projection, long activityId, CommunityId community);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds no unmanaged resource; states live as long as the coordinator.")]
    internal sealed class State
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public long Applied;
    }

    /// <summary>Holds a community's gate; disposing releases it.</summary>
    internal sealed class Lease(ProjectionCoordinator owner, State state) : IDisposable
    {
        private bool _released;

        public void Apply(CommittedActivity committed)
        {
            foreach (var projection in owner._projections)
            {
                try
                {
                    projection.Apply(committed);
                }
#pragma warning disable CA1031 // A projection bug must not undo a commit that already happened; it is logged.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    owner.LogProjectionFailed(ex, projection.GetType().Name, committed.ActivityId, committed.Activity.Community);
                }
            }

            Volatile.Write(ref state.Applied, committed.ActivityId);
        }

        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                state.Gate.Release();
            }
        }
    }
}
