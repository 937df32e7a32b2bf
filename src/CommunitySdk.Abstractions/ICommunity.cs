namespace CommunitySdk;

/// <summary>The entry point: records activities and reads a member's history.</summary>
public interface ICommunity
{
    /// <summary>
    /// Records an activity: validate, dedupe by idempotency key, run every feature in order inside one
    /// unit of work, commit the log entry with all effects atomically, hand the events to the outbox.
    /// </summary>
    /// <param name="activity">The activity.</param>
    /// <param name="cancellationToken">Cancellation; once the commit started it completes.</param>
    /// <returns>The outcome, listing every effect. For a retried key, the first outcome with <see cref="ActivityOutcome.IsDuplicate"/> set.</returns>
    /// <exception cref="CommunityValidationException">A field of the activity is invalid.</exception>
    /// <exception cref="IdempotencyConflictException">The key was recorded before with a different payload.</exception>
    ValueTask<ActivityOutcome> RecordAsync(Activity activity, CancellationToken cancellationToken = default);

    /// <summary>
    /// A member's activity history ("sedimentation"), newest first, paged: what the member did, and the activities whose
    /// effects concern them (an inviter's reward recorded with the invitee's order).
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="page">Which page; <see langword="null"/> for the first page of 20.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One page of history.</returns>
    ValueTask<ActivityPage> GetHistoryAsync(CommunityId community, MemberId member, ActivityPageRequest? page = null, CancellationToken cancellationToken = default);
}

/// <summary>Asks for one page of an activity history, newest first.</summary>
/// <param name="PageSize">Items per page, 1 to 500.</param>
/// <param name="Before">Only activities with a smaller id: the <see cref="ActivityPage.Next"/> of the previous page.</param>
public sealed record ActivityPageRequest(int PageSize = 20, long? Before = null)
{
    /// <summary>Largest page size.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Throws when the request is out of range.</summary>
    /// <exception cref="CommunityValidationException">Page size or cursor out of range.</exception>
    public void Validate()
    {
        if (PageSize is < 1 or > MaxPageSize)
        {
            throw new CommunityValidationException("page.pageSize", $"must be between 1 and {MaxPageSize}");
        }

        if (Before is < 1)
        {
            throw new CommunityValidationException("page.before", "must be positive");
        }
    }
}

/// <summary>One page of activity history.</summary>
/// <param name="Items">The activities, newest first.</param>
/// <param name="Next">The cursor for the next (older) page, or <see langword="null"/> at the end.</param>
public sealed record ActivityPage(IReadOnlyList<CommittedActivity> Items, ActivityPageRequest? Next);

/// <summary>
/// Three different things over a community's log: <see cref="RebuildAsync"/> re-folds the stored events into the live
/// state (no rule runs, so memory equals the ledger); <see cref="ReplayAsync"/> re-runs this host's rules over the log
/// and says what would change; <see cref="PreviewAsync"/> runs a rule set over a given log. Replay and preview run on
/// an isolated, throwaway state: live state is never touched by them.
/// </summary>
public interface ICommunityReplayer
{
    /// <summary>
    /// Drops the community's live projection state and folds the stored events again, from the start of the log
    /// (ignoring snapshots). Repairs a faulted projection. Writers of the community wait meanwhile.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What the rebuild folded.</returns>
    ValueTask<RebuildResult> RebuildAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-runs every reactor of this host over the community's log on a throwaway state and reports which activities
    /// would now produce different effects (a rule changed since they were recorded) and which would be rejected.
    /// Nothing is written and live state is unchanged.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What the replay found.</returns>
    ValueTask<ReplayResult> ReplayAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs this instance's rules over another log (for example a live store's, read with
    /// <see cref="Storage.ICommunityStore.ReadLogAsync"/>) on a throwaway state, to preview a changed rule set over real
    /// history. Nothing is written and live state is unchanged.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="log">The log to replay, in order.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What the preview found, including which activities now produce different effects.</returns>
    ValueTask<ReplayResult> PreviewAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, CancellationToken cancellationToken = default);
}

/// <summary>What a rebuild did.</summary>
/// <param name="Activities">Activities folded.</param>
/// <param name="Position">The last activity id folded.</param>
public sealed record RebuildResult(long Activities, long Position);

/// <summary>What a replay did.</summary>
/// <param name="Activities">Activities replayed.</param>
/// <param name="Events">Events the features produced.</param>
/// <param name="Changed">Ids of activities whose effects differ from the recorded ones.</param>
/// <param name="Failed">Activities the features now reject, with the reason (their effects are left out).</param>
public sealed record ReplayResult(int Activities, int Events, IReadOnlyList<long> Changed, IReadOnlyList<ReplayFailure> Failed);

/// <summary>An activity the features rejected during replay.</summary>
/// <param name="ActivityId">The activity.</param>
/// <param name="Error">Why.</param>
public sealed record ReplayFailure(long ActivityId, string Error);

/// <summary>
/// Brings an existing shop's history in (orders, posts, sign-ups with inviters): every activity runs the rules as if
/// recorded live, in order, with commits batched per community. Idempotent: importing the same activities again
/// (after a crash, say) records only those not recorded yet.
/// </summary>
public interface ICommunityImporter
{
    /// <summary>Records the activities in order, batching commits; a rejected activity is counted and skipped.</summary>
    /// <param name="activities">The activities, in the order they happened.</param>
    /// <param name="progress">Told about progress every few thousand activities, and at the end.</param>
    /// <param name="cancellationToken">Stops reading more activities (those handed over already finish).</param>
    /// <returns>What was recorded, found recorded already, or rejected.</returns>
    ValueTask<ImportResult> ImportAsync(IAsyncEnumerable<Activity> activities, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>How far an import got.</summary>
/// <param name="Read">Activities read from the source.</param>
/// <param name="Recorded">Recorded now.</param>
/// <param name="Duplicates">Recorded before (their idempotency key was known).</param>
/// <param name="Rejected">Rejected by validation or the rules.</param>
public sealed record ImportProgress(long Read, long Recorded, long Duplicates, long Rejected);

/// <summary>What an import did.</summary>
/// <param name="Recorded">Activities recorded now.</param>
/// <param name="Duplicates">Activities recorded before.</param>
/// <param name="Rejected">Activities rejected.</param>
/// <param name="Rejections">The first rejections (at most 100), with the reason.</param>
public sealed record ImportResult(long Recorded, long Duplicates, long Rejected, IReadOnlyList<ImportRejection> Rejections);

/// <summary>An activity an import rejected.</summary>
/// <param name="IdempotencyKey">Its key.</param>
/// <param name="Error">Why.</param>
public sealed record ImportRejection(string IdempotencyKey, string Error);
