namespace CommunitySdk.Projections;

/// <summary>
/// Everything the projections know about one community: the members, one state per projection, the log position
/// folded so far, and faults. One writer mutates it at a time (<see cref="Gate"/>: a write batch, a catch-up, a
/// rebuild); queries read it under <see cref="Sync"/>, which the fold takes per activity. A throwaway set (replay,
/// preview) has the same shape and is never shared.
/// </summary>
internal sealed class CommunityStates
{
    public CommunityStates(CommunityId community, CommunityMembers members, object?[] states, bool throwaway)
    {
        Community = community;
        Members = members;
        States = states;
        Faults = new ProjectionFault?[states.Length];
        IsThrowaway = throwaway;
    }

    public CommunityId Community { get; }

    public CommunityMembers Members { get; private set; }

    /// <summary>Per projection slot (null for a projection without state of its own).</summary>
    public object?[] States { get; private set; }

    public ProjectionFault?[] Faults { get; }

    public bool IsThrowaway { get; }

    /// <summary>Readers' lock: the fold holds it while it applies one activity.</summary>
    public Lock Sync { get; } = new();

    /// <summary>The one mutator at a time: a write batch, a catch-up or a rebuild.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The id of the last activity folded (for a live set: possibly one of a batch still committing).</summary>
    public long Position;

    /// <summary>The last activity the store confirmed committed (equal to <see cref="Position"/> between batches).</summary>
    public long Committed;

    /// <summary>Set once the first fold (snapshot and tail) finished.</summary>
    public bool Loaded;

    /// <summary>Set when a commit failed after its activities were folded: the set is dropped and folded again.</summary>
    public volatile bool Invalid;

    public Task? Loading;

    public long SnapshotPosition;

    public DateTimeOffset SnapshotAt;

    /// <summary>Held while a snapshot of this set is taken (a background one skips when it is busy).</summary>
    public SemaphoreSlim Snapshotting { get; } = new(1, 1);

    public bool IsFaulted => Array.Exists(Faults, f => f is not null);

    /// <summary>The state set a unit of work runs against (put there by the pipeline, the replayer or the previewer).</summary>
    public static CommunityStates Of(ActivityContext context) =>
        context.GetOrAddState<CommunityStates>(static () => throw new InvalidOperationException("This activity context was not created by the SDK's pipeline: it has no projection state."));

    public void Replace(CommunityMembers members, object?[] states)
    {
        Members = members;
        States = states;
        Array.Clear(Faults);
    }
}

/// <summary>A projection that threw while folding an activity of a community.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="ActivityId">The activity.</param>
/// <param name="Error">What it threw.</param>
internal sealed record ProjectionFault(string Projection, long ActivityId, Exception Error);
