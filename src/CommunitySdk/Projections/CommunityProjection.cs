using System.Security.Cryptography;
using System.Text;

namespace CommunitySdk.Projections;

/// <summary>
/// A feature's state, folded from the log, one instance per community: the base every SDK feature builds on, so
/// catch-up, checkpoints, snapshots, rebuilds, faults and the per-community lock live once, in the core. A feature
/// is its state type and three functions: create empty state, fold one committed activity, and (for snapshots)
/// write and read the state. Derive from <see cref="CommunityProjection{TState}"/> and register with
/// <c>builder.AddProjection&lt;T&gt;()</c>.
/// </summary>
public abstract class CommunityProjection
{
    private protected CommunityProjection()
    {
    }

    /// <summary>A stable name: the snapshot section and log messages use it (for example <c>points</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The version of the snapshot format the projection writes; raise it when the format changes (an older snapshot then means a full fold).</summary>
    public virtual int FormatVersion => 1;

    /// <summary>
    /// Text describing the rules that shape the state (typically the options that affect folding). A snapshot taken
    /// under different rules is not used: the community is folded from the start of the log instead, and that is logged.
    /// </summary>
    public virtual string RulesFingerprint => string.Empty;

    /// <summary>Whether the projection writes and reads snapshots.</summary>
    public abstract bool SupportsSnapshots { get; }

    /// <summary>The projection's slot in each community's state set (given by the core).</summary>
    internal int Slot { get; set; } = -1;

    internal ProjectionCoordinator? Coordinator { get; set; }

    internal string RulesHash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RulesFingerprint)), 0, 8);

    internal abstract object CreateState(CommunityId community, CommunityMembers members);

    internal abstract void ApplyState(object state, CommittedActivity committed, CommunityMembers members);

    internal abstract void WriteState(object state, SnapshotWriter writer);

    internal abstract object ReadState(CommunityId community, CommunityMembers members, SnapshotReader reader);
}

/// <summary>A feature's per-community state of type <typeparamref name="TState"/> (see <see cref="CommunityProjection"/>).</summary>
/// <typeparam name="TState">The state of one community.</typeparam>
public abstract class CommunityProjection<TState> : CommunityProjection
    where TState : class
{
    /// <summary>Creates the projection.</summary>
#pragma warning disable RS0022 // Deriving from the generic base is the way to write a projection; the non-generic base stays closed.
    protected CommunityProjection()
#pragma warning restore RS0022
    {
    }

    /// <inheritdoc />
    public override bool SupportsSnapshots => false;

    /// <summary>
    /// The state as a unit of work sees it: the live state for a recorded activity (including every earlier activity of
    /// its batch), a throwaway copy during a replay or preview. Reactors read it; only the fold changes it.
    /// </summary>
    /// <param name="context">The unit of work.</param>
    /// <returns>The state.</returns>
    /// <exception cref="InvalidOperationException">The context was not created by the SDK's pipeline.</exception>
    public TState Of(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (TState)CommunityStates.Of(context).States[Slot]!;
    }

    /// <summary>
    /// Reads the community's live state for a query: catches up with the store's log when another writer went ahead,
    /// refuses a faulted projection (<see cref="ProjectionFaultedException"/>) or an unknown community
    /// (<see cref="UnknownCommunityException"/>), and runs <paramref name="read"/> under the community's lock.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="community">The community.</param>
    /// <param name="read">Reads the state (keep it short: writers wait for the lock).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    public ValueTask<T> ReadAsync<T>(CommunityId community, Func<TState, CommunityMembers, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var coordinator = Coordinator ?? throw new InvalidOperationException($"Projection '{Name}' is not registered with the SDK (builder.AddProjection<T>()).");
        return coordinator.ReadAsync(this, community, (state, members) => read((TState)state, members), cancellationToken);
    }

    /// <summary>Creates the empty state of a community.</summary>
    /// <param name="community">The community.</param>
    /// <param name="members">Its members (empty at creation).</param>
    /// <returns>The state.</returns>
    protected abstract TState Create(CommunityId community, CommunityMembers members);

    /// <summary>
    /// Folds one committed activity and its events into the state. Runs once per activity, in log order, after the
    /// core folded the member directory. Must not throw: a throw faults the projection for the community.
    /// </summary>
    /// <param name="state">The community's state.</param>
    /// <param name="committed">The activity and its events.</param>
    /// <param name="members">The community's members (already updated by this activity).</param>
    protected abstract void Apply(TState state, CommittedActivity committed, CommunityMembers members);

    /// <summary>Writes the state for a snapshot (only when <see cref="SupportsSnapshots"/>).</summary>
    /// <param name="state">The state.</param>
    /// <param name="writer">The writer.</param>
    protected virtual void Write(TState state, SnapshotWriter writer) => throw new NotSupportedException($"Projection '{Name}' does not write snapshots.");

    /// <summary>Reads the state from a snapshot written by <see cref="Write"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="members">Its members, as of the snapshot.</param>
    /// <param name="reader">The reader.</param>
    /// <returns>The state.</returns>
    protected virtual TState Read(CommunityId community, CommunityMembers members, SnapshotReader reader) => throw new NotSupportedException($"Projection '{Name}' does not read snapshots.");

    internal sealed override object CreateState(CommunityId community, CommunityMembers members) => Create(community, members);

    internal sealed override void ApplyState(object state, CommittedActivity committed, CommunityMembers members) => Apply((TState)state, committed, members);

    internal sealed override void WriteState(object state, SnapshotWriter writer) => Write((TState)state, writer);

    internal sealed override object ReadState(CommunityId community, CommunityMembers members, SnapshotReader reader) => Read(community, members, reader);
}
