namespace CommunitySdk.Storage;

/// <summary>
/// The system of record: each community's append-only activity log (with the events every activity
/// produced), the idempotency index and the outbox. Feature state is derived from it by projections.
/// Providers: in-memory (core), SQLite, PostgreSQL. Every provider passes the conformance suite.
/// </summary>
public interface ICommunityStore
{
    /// <summary>
    /// Opens the single write session of a community: while it is open no other writer of that community
    /// (in this process or, for shared stores, in any process) can commit. Dispose it to release.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancels waiting for the session.</param>
    /// <returns>The session.</returns>
    ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>The id of the last committed activity of the community, 0 when none.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The last id.</returns>
    ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>The activity committed under an idempotency key, or <see langword="null"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The committed activity or <see langword="null"/>.</returns>
    ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>The community's log after an id, in order.</summary>
    /// <param name="community">The community.</param>
    /// <param name="afterActivityId">Only activities with a larger id (0 for all).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The activities.</returns>
    IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// A member's activities, newest first: those the member did, and those whose events concern the member (an
    /// inviter's reward recorded with the invitee's order). Points history pages are read from here.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="page">The page.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One page.</returns>
    ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Activities whose events wait in the outbox and are due: not dead-lettered, and their next attempt is at or before
    /// <paramref name="dueBy"/>. Oldest first within a community.
    /// </summary>
    /// <param name="max">At most this many activities.</param>
    /// <param name="dueBy">Entries whose next attempt is later are left out.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default);

    /// <summary>Marks outbox entries delivered to every handler; they are not returned again.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed delivery attempt of outbox entries: one more attempt, which handlers acknowledged which events so
    /// far, when to try again, and whether the entry is dead-lettered (then it is no longer pending).
    /// </summary>
    /// <param name="failures">The failures.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default);

    /// <summary>Dead-lettered outbox entries (delivery gave up after the most attempts), oldest first.</summary>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, with their last error.</returns>
    ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Makes dead-lettered entries pending again, due now, with their attempts reset (acknowledgements are kept).</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many entries were dead-lettered and are pending again.</returns>
    ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default);
}

/// <summary>The single writer of one community. Everything committed through it is atomic.</summary>
public interface ICommunityWriteSession : IAsyncDisposable
{
    /// <summary>The community.</summary>
    CommunityId Community { get; }

    /// <summary>The id of the last committed activity when the session opened (or after its own commit).</summary>
    long LastActivityId { get; }

    /// <summary>The activity committed under an idempotency key, or <see langword="null"/>.</summary>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The committed activity or <see langword="null"/>.</returns>
    ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the activity with its events and puts the events in the outbox, atomically. Its id must be
    /// <see cref="LastActivityId"/> + 1. When this returns, the activity is durable.
    /// </summary>
    /// <param name="activity">The activity and its events.</param>
    /// <param name="cancellationToken">Cancellation (before the commit starts).</param>
    /// <returns>A task.</returns>
    ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits consecutive activities. Durable providers write them in one transaction (all or nothing), which
    /// is how bulk imports reach their throughput; the default commits them one by one.
    /// </summary>
    /// <param name="activities">The activities, ids consecutive from <see cref="LastActivityId"/> + 1.</param>
    /// <param name="cancellationToken">Cancellation (before the commit starts).</param>
    /// <returns>A task.</returns>
    async ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activities);
        foreach (var activity in activities)
        {
            await CommitAsync(activity, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A committed activity whose events wait in the outbox to be published. The outbox references the log: the events are
/// read from the activity's log entry, never stored twice.
/// </summary>
/// <param name="Community">The community.</param>
/// <param name="ActivityId">The activity.</param>
/// <param name="Events">The activity's events, in order.</param>
/// <param name="Attempts">Failed delivery attempts so far.</param>
/// <param name="Acknowledged">Deliveries that succeeded already (<see cref="OutboxEntry.AcknowledgementKey"/>), not repeated.</param>
/// <param name="LastError">The last delivery error, if any.</param>
public sealed record OutboxEntry(CommunityId Community, long ActivityId, IReadOnlyList<CommunityEvent> Events, int Attempts, IReadOnlyCollection<string> Acknowledged, string? LastError = null)
{
    /// <summary>The entry's key.</summary>
    public OutboxKey Key => new(Community, ActivityId);

    /// <summary>The acknowledgement of one event by one handler.</summary>
    /// <param name="eventIndex">The event's index within its activity.</param>
    /// <param name="handler">The handler's stable name.</param>
    /// <returns>The key stored in <see cref="Acknowledged"/>.</returns>
    public static string AcknowledgementKey(int eventIndex, string handler) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{eventIndex}:{handler}");
}

/// <summary>Identifies an outbox entry: one committed activity of a community.</summary>
/// <param name="Community">The community.</param>
/// <param name="ActivityId">The activity.</param>
public readonly record struct OutboxKey(CommunityId Community, long ActivityId);

/// <summary>A failed delivery attempt of an outbox entry.</summary>
/// <param name="Key">The entry.</param>
/// <param name="Acknowledged">Every acknowledgement so far (earlier ones and those of this attempt).</param>
/// <param name="NextAttemptAt">When the entry is due again.</param>
/// <param name="DeadLetter">Whether delivery gives up (the entry leaves the pending set until requeued).</param>
/// <param name="Error">What failed.</param>
public sealed record OutboxFailure(OutboxKey Key, IReadOnlyCollection<string> Acknowledged, DateTimeOffset NextAttemptAt, bool DeadLetter, string Error);

/// <summary>
/// Snapshots of a community's projection state, so a process starts from the newest snapshot and folds only the
/// log after it. The SDK writes them in the background and reads the newest at start; a provider keeps at least
/// the newest two, and saves atomically (a crash while saving leaves the previous one valid). Optional: a store
/// without it starts every community with a full fold.
/// </summary>
public interface ICommunitySnapshotStore
{
    /// <summary>
    /// Saves a snapshot, atomically; older ones beyond the newest two may be dropped. A snapshot whose position is before
    /// a member's erasure (<see cref="CommunityActivityTypes.Erase"/>) in the log is not saved, whichever process took it:
    /// it may hold the erased member's id. Providers decide that under the lock the erasure takes.
    /// </summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task.</returns>
    ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The newest snapshot of a community, or <see langword="null"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The snapshot, if any.</returns>
    ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>A community's projection state at a log position, in the SDK's versioned binary format.</summary>
/// <param name="Community">The community.</param>
/// <param name="Position">The id of the last activity the state covers.</param>
/// <param name="TakenAt">When it was taken.</param>
/// <param name="Data">The serialized state (opaque to stores).</param>
public sealed record CommunitySnapshot(CommunityId Community, long Position, DateTimeOffset TakenAt, byte[] Data);

/// <summary>
/// A write session that can rewrite entries of its community's log in place: for an erasure (<see cref="IMemberEraser"/>)
/// and for retention (<see cref="IActivityRetention"/>). Every provider of the SDK implements it; a store without it
/// cannot erase members or apply retention.
/// </summary>
public interface ICommunityRewriteSession
{
    /// <summary>
    /// In one transaction, replaces each activity of <paramref name="rewritten"/> (same id, same member) with its new
    /// attributes, key, fingerprint and events. Nothing is appended; indexes, snapshots and the outbox stay as they are
    /// (a rewrite that changes what projections fold is an erasure's job).
    /// </summary>
    /// <param name="rewritten">The rewritten activities.</param>
    /// <param name="cancellationToken">Cancellation (before the transaction commits).</param>
    /// <returns>A task.</returns>
    ValueTask RewriteAsync(IReadOnlyList<CommittedActivity> rewritten, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: replaces each activity of <see cref="MemberErasureWrite.Rewritten"/> (same id) with its new
    /// member, key, attributes, fingerprint and events; moves the member index from the member to the tombstone; deletes
    /// the community's snapshots (they hold the old state); clears outbox errors that mention the member; and commits
    /// <see cref="MemberErasureWrite.Erasure"/> (id <see cref="ICommunityWriteSession.LastActivityId"/> + 1, its events to
    /// the outbox). Nothing of it is visible until all of it is. Durable providers also overwrite freed pages where the
    /// engine allows it, so the old bytes do not linger in the file.
    /// </summary>
    /// <param name="erasure">What to write.</param>
    /// <param name="cancellationToken">Cancellation (before the transaction commits).</param>
    /// <returns>A task.</returns>
    ValueTask EraseAsync(MemberErasureWrite erasure, CancellationToken cancellationToken = default);
}

/// <summary>An erasure for <see cref="ICommunityRewriteSession.EraseAsync"/>.</summary>
/// <param name="Member">The erased member's id (to find in the indexes and outbox errors; never written).</param>
/// <param name="Tombstone">The id that replaces it.</param>
/// <param name="Rewritten">The activities that mentioned the member, rewritten.</param>
/// <param name="Erasure">The erasure activity to commit.</param>
public sealed record MemberErasureWrite(MemberId Member, MemberId Tombstone, IReadOnlyList<CommittedActivity> Rewritten, CommittedActivity Erasure);
