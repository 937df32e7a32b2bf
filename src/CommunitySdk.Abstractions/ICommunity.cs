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

    /// <summary>A member's activity history ("sedimentation"), newest first, paged.</summary>
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

/// <summary>Rebuilds projections by re-running the features over the activity log.</summary>
public interface ICommunityReplayer
{
    /// <summary>
    /// Resets every projection of the community and re-runs every reactor over the community's own log,
    /// in order. With unchanged rules the result equals the live state.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What the replay did.</returns>
    ValueTask<ReplayResult> ReplayAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replays another log (for example a live store's, read with <see cref="Storage.ICommunityStore.ReadLogAsync"/>) into
    /// this instance's projections, to preview a changed rule set over real history. Nothing is written to a store.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="log">The log to replay, in order.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>What the replay did, including which activities now produce different effects.</returns>
    ValueTask<ReplayResult> PreviewAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, CancellationToken cancellationToken = default);
}

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
