using System.Collections.Concurrent;
using System.Diagnostics;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// The one flow: validate → dedupe by idempotency key → (per community, one batch at a time) run the reactors of each
/// activity in order, each seeing the effects of the ones before it, fold its events → commit the batch (log entries,
/// events, outbox) in one transaction → answer every caller → publish.
/// </summary>
internal sealed partial class ActivityPipeline : ICommunity, ICommunityImporter
{
    private readonly ICommunityStore _store;
    private readonly ProjectionCoordinator _projections;
    private readonly IActivityReactor[] _reactors;
    private readonly ICommunityCalendar _calendar;
    private readonly TimeProvider _time;
    private readonly CommunityMetrics _metrics;
    private readonly ICommunityOutbox _outbox;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly ILogger<ActivityPipeline> _logger;
    private readonly ICommunityResolver _communities;
    private readonly ConcurrentDictionary<CommunityId, CommunityWriter> _writers = new();

    public ActivityPipeline(
        ICommunityStore store,
        ProjectionCoordinator projections,
        IEnumerable<IActivityReactor> reactors,
        ICommunityCalendar calendar,
        TimeProvider time,
        CommunityMetrics metrics,
        ICommunityOutbox outbox,
        IOptionsMonitor<CommunityOptions> options,
        ICommunityResolver communities,
        ILoggerFactory? loggerFactory = null)
    {
        _communities = communities;
        _store = store;
        _projections = projections;
        _reactors = OrderReactors(reactors);
        _calendar = calendar;
        _time = time;
        _metrics = metrics;
        _outbox = outbox;
        _options = options;
        _logger = SdkLogging.For<ActivityPipeline>(loggerFactory);
        _ = options.CurrentValue; // validates the options now rather than on the first activity
    }

    /// <summary>The reactors in the order they run: by <see cref="IActivityReactor.Order"/>, then registration order.</summary>
    internal IReadOnlyList<IActivityReactor> Reactors => _reactors;

    internal static IActivityReactor[] OrderReactors(IEnumerable<IActivityReactor> reactors) =>
        reactors.Select((reactor, index) => (reactor, index))
            .OrderBy(r => r.reactor.Order)
            .ThenBy(r => r.index)
            .Select(r => r.reactor)
            .ToArray();

    public async ValueTask<ActivityOutcome> RecordAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var started = Stopwatch.GetTimestamp();
        using var trace = CommunityMetrics.Source.StartActivity("community.record");
        trace?.SetTag("community.id", activity.Community.Value);
        trace?.SetTag("activity.type", activity.Type);
        var typeTag = new KeyValuePair<string, object?>("activity.type", activity.Type);
        try
        {
            var (outcome, published) = await RecordCoreAsync(activity, cancellationToken).ConfigureAwait(false);
            trace?.SetTag("activity.id", outcome.ActivityId);
            trace?.SetTag("activity.duplicate", outcome.IsDuplicate);
            (outcome.IsDuplicate ? _metrics.Duplicates : _metrics.Recorded).Add(1, typeTag);
            if (published is not null && !published.IsCompleted)
            {
                await AwaitPublicationAsync(published, outcome.ActivityId).ConfigureAwait(false);
            }

            return outcome;
        }
        catch (Exception ex)
        {
            _metrics.Failed.Add(1, typeTag, new KeyValuePair<string, object?>("error.type", ex.GetType().Name));
            trace?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            _metrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, typeTag);
        }
    }

    public async ValueTask<ActivityPage> GetHistoryAsync(CommunityId community, MemberId member, ActivityPageRequest? page = null, CancellationToken cancellationToken = default)
    {
        RequireIds(community, member);
        page ??= new ActivityPageRequest();
        page.Validate();
        await RequireKnownAsync(_communities, community, cancellationToken).ConfigureAwait(false);
        return await _store.GetMemberActivitiesAsync(community, member, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses a community the host did not declare, before anything is allocated for it.</summary>
    internal static async ValueTask RequireKnownAsync(ICommunityResolver communities, CommunityId community, CancellationToken cancellationToken)
    {
        var exists = communities.ExistsAsync(community, cancellationToken);
        if (!(exists.IsCompletedSuccessfully ? exists.Result : await exists.ConfigureAwait(false)))
        {
            throw new UnknownCommunityException(community);
        }
    }

    internal static void RequireIds(CommunityId community, MemberId member)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }
    }

    internal static async ValueTask RunReactorsAsync(IActivityReactor[] reactors, ActivityContext context, CancellationToken cancellationToken)
    {
        foreach (var reactor in reactors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reacting = reactor.ReactAsync(context, cancellationToken);
            if (!reacting.IsCompletedSuccessfully)
            {
                await reacting.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<(ActivityOutcome Outcome, Task? Published)> RecordCoreAsync(Activity input, CancellationToken cancellationToken)
    {
        input.Validate();
        await RequireKnownAsync(_communities, input.Community, cancellationToken).ConfigureAwait(false);
        var skew = _options.CurrentValue.MaxClockSkew;
        if (input.OccurredAt is { } occurredAt && occurredAt > _time.GetUtcNow() + skew)
        {
            throw new CommunityValidationException("activity.occurredAt", $"must not be more than {skew} in the future");
        }

        var activity = Normalize(input);
        var fingerprint = ActivityFingerprint.Compute(activity);

        // The key is looked up once, by the writer under the community's write session (a retry gets its first
        // outcome there): no read of its own per activity before it.
        var writer = _writers.GetOrAdd(activity.Community, static (c, pipeline) => new CommunityWriter(pipeline, c), this);
        var pending = new Pending(activity, fingerprint, cancellationToken);
        var outcome = await writer.SubmitAsync(pending).ConfigureAwait(false);
        return (outcome, outcome.IsDuplicate ? null : pending.Published);
    }

    public async ValueTask<ImportResult> ImportAsync(IAsyncEnumerable<Activity> activities, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activities);
        const int ReportEvery = 10_000;
        var window = Math.Max(64, _options.CurrentValue.MaxWriteBatch * 4); // enough in flight for full batches
        var inFlight = new Queue<(string Key, Task<ActivityOutcome> Outcome)>(window);
        var rejections = new List<ImportRejection>();
        long read = 0, recorded = 0, duplicates = 0, rejected = 0;
        var known = new HashSet<CommunityId>();

        void Reject(string key, Exception error)
        {
            rejected++;
            if (rejections.Count < 100)
            {
                rejections.Add(new ImportRejection(key, error.Message));
            }
        }

        async ValueTask SettleAsync()
        {
            var (key, outcome) = inFlight.Dequeue();
            try
            {
                if ((await outcome.ConfigureAwait(false)).IsDuplicate)
                {
                    duplicates++;
                }
                else
                {
                    recorded++;
                }
            }
            catch (CommunityException ex)
            {
                Reject(key, ex);
            }
        }

        await foreach (var input in activities.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            read++;
            try
            {
                ArgumentNullException.ThrowIfNull(input);
                input.Validate();
                if (known.Add(input.Community))
                {
                    await RequireKnownAsync(_communities, input.Community, cancellationToken).ConfigureAwait(false);
                }

                var activity = Normalize(input);
                var writer = _writers.GetOrAdd(activity.Community, static (c, pipeline) => new CommunityWriter(pipeline, c), this);
                // No look-up before the writer: the batch checks each key in its write session, so a re-run finds what it recorded.
                inFlight.Enqueue((activity.IdempotencyKey, writer.Enqueue(new Pending(activity, ActivityFingerprint.Compute(activity), CancellationToken.None))));
            }
            catch (CommunityException ex)
            {
                known.Remove(input.Community);
                Reject(input.IdempotencyKey, ex);
            }

            while (inFlight.Count >= window)
            {
                await SettleAsync().ConfigureAwait(false);
            }

            if (read % ReportEvery == 0)
            {
                progress?.Report(new ImportProgress(read, recorded, duplicates, rejected));
            }
        }

        while (inFlight.Count > 0)
        {
            await SettleAsync().ConfigureAwait(false);
        }

        progress?.Report(new ImportProgress(read, recorded, duplicates, rejected));
        return new ImportResult(recorded, duplicates, rejected, rejections);
    }

    /// <summary>
    /// One write batch of a community: under the community's gate and one store write session, each activity runs its
    /// reactors (a rejected one fails alone) and is folded, so the next one sees it; then the batch commits in one
    /// transaction. A failed commit fails every activity folded in the batch and drops the community's state, which
    /// is folded again from the store on next use.
    /// </summary>
    private async Task ProcessBatchAsync(CommunityId community, List<Pending> batch)
    {
        CommunityStates states;
        while (true)
        {
            states = await _projections.LoadAsync(community, CancellationToken.None).ConfigureAwait(false); // the first fold happens outside the write session
            await states.Gate.WaitAsync().ConfigureAwait(false);
            if (!states.Invalid)
            {
                break;
            }

            states.Gate.Release();
        }

        var folded = new CommittedActivity[batch.Count];
        var count = 0;
        var log = batch.Count > 1 ? new BatchLog() : null; // what the batch folded so far, for the reactors of the next
        try
        {
            var session = await _store.BeginWriteAsync(community).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await _projections.CatchUpAsync(states, session.LastActivityId, CancellationToken.None).ConfigureAwait(false); // another writer went ahead
                if (states.IsFaulted && Array.Find(states.Faults, f => f is not null) is { } fault)
                {
                    var refused = new ProjectionFaultedException(community, fault.Projection, fault.ActivityId, fault.Error);
                    batch.ForEach(p => p.Fail(refused));
                    return;
                }

                var zone = _calendar.GetTimeZone(community);
                var next = session.LastActivityId;
                foreach (var pending in batch)
                {
                    if (pending.Cancellation.IsCancellationRequested)
                    {
                        pending.Cancel();
                        continue;
                    }

                    var activity = pending.Activity;
                    if ((log?.Find(activity.IdempotencyKey) ?? await session.FindAsync(activity.IdempotencyKey).ConfigureAwait(false)) is { } existing)
                    {
                        CompleteDuplicate(pending, existing);
                        continue;
                    }

                    var context = new ActivityContext(activity, next + 1, _time.GetUtcNow(), zone);
                    context.GetOrAddState(states, static s => s);
                    if (log is not null)
                    {
                        context.GetOrAddState(log, static l => l);
                    }
                    try
                    {
                        await RunReactorsAsync(_reactors, context, CancellationToken.None).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // A rejected activity fails alone; the rest of the batch goes on.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        pending.Fail(ex);
                        continue;
                    }

                    var committed = new CommittedActivity(context.ActivityId, activity, context.RecordedAt, pending.Fingerprint, context.Events.ToArray());
                    _projections.Apply(states, committed);
                    log?.Add(committed);
                    pending.Folded = committed;
                    folded[count++] = committed;
                    next++;
                }

                if (count > 0)
                {
                    if (count < folded.Length)
                    {
                        Array.Resize(ref folded, count);
                    }

                    // Once the commit starts it finishes: cancelling now would leave callers unsure whether it happened.
                    await session.CommitManyAsync(folded, CancellationToken.None).ConfigureAwait(false);
                    states.Committed = folded[^1].ActivityId;
                }
            }
        }
        catch (Exception ex)
        {
            if (count > 0)
            {
                _projections.Invalidate(states); // folded but not committed: fold the community again from the store
            }

            LogBatchFailed(ex, community, batch.Count);
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }

            return;
        }
        finally
        {
            states.Gate.Release();
        }

        // Inline publication of this batch's events (not of the whole outbox), off the writer's path: each caller waits
        // for it at most InlinePublishTimeout; what is not delivered stays in the outbox for the relay.
        var published = count > 0 && _options.CurrentValue.PublishEventsInline ? Publish(folded) : null;
        foreach (var pending in batch)
        {
            if (pending.Folded is { } committed)
            {
                pending.Published = published;
                pending.Succeed(new ActivityOutcome(committed, isDuplicate: false));
            }
        }

        _projections.AfterCommit(states);
    }

    private static void CompleteDuplicate(Pending pending, CommittedActivity existing) =>
        pending.Complete(() => Duplicate(existing, pending.Activity, pending.Fingerprint));

    private static ActivityOutcome Duplicate(CommittedActivity existing, Activity activity, string fingerprint)
    {
        if (!ActivityFingerprint.Matches(existing.Fingerprint, activity, fingerprint))
        {
            throw new IdempotencyConflictException(existing.Activity.Community, existing.Activity.IdempotencyKey, existing.ActivityId);
        }

        return new ActivityOutcome(existing, isDuplicate: true);
    }

    /// <summary>A private copy with attributes sorted and frozen, so later changes by the caller cannot reach the log.</summary>
    private static Activity Normalize(Activity activity) => ActivityCopy.With(activity, activity.Attributes);

    private Task? Publish(CommittedActivity[] committed)
    {
        if (Array.TrueForAll(committed, c => c.Events.Count == 0))
        {
            return null;
        }

        if (_outbox is OutboxRelay { } own && !own.AnyHandled(committed))
        {
            own.AcknowledgeUnhandled(committed); // nothing to deliver: the entries only leave the outbox
            return null;
        }

        return _outbox is OutboxRelay relay
            ? relay.PublishCommitted(committed)
            : Task.Run(async () => // a host's own ICommunityOutbox: it relays what is pending
            {
                try
                {
                    await _outbox.RelayPendingAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The activities are committed; a failing publication is retried from the outbox.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogPublishFailed(ex);
                }
            });
    }

    private async ValueTask AwaitPublicationAsync(Task published, long activityId)
    {
        var timeout = _options.CurrentValue.InlinePublishTimeout;
        try
        {
            await published.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogPublishSlow(activityId, timeout);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing events after commit failed; they stay in the outbox")]
    private partial void LogPublishFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event handlers of activity {ActivityId} took longer than {Timeout}; the record returned, the outbox delivers what they did not acknowledge")]
    private partial void LogPublishSlow(long activityId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "A write batch of community {Community} ({Count} activities) failed; none of its activities was recorded")]
    private partial void LogBatchFailed(Exception exception, CommunityId community, int count);

    /// <summary>
    /// One caller's activity waiting for its batch. The answer is kept in fields; a task is made only for a caller that
    /// has to wait for another writer's batch (the writer answering its own activity needs none).
    /// </summary>
    private sealed class Pending(Activity activity, string fingerprint, CancellationToken cancellation)
    {
        private ActivityOutcome? _outcome;
        private Exception? _error;
        private int _claimed;
        private int _done;
        private TaskCompletionSource<ActivityOutcome>? _waiter;

        public Activity Activity { get; } = activity;

        public string Fingerprint { get; } = fingerprint;

        public CancellationToken Cancellation { get; } = cancellation;

        /// <summary>What its batch folded for it (answered once the batch commits).</summary>
        public CommittedActivity? Folded { get; set; }

        /// <summary>The inline publication of its batch's events, if any (set before the answer).</summary>
        public Task? Published { get; set; }

        public bool IsDone => Volatile.Read(ref _done) != 0;

        /// <summary>The answer as a task (made on first use; completed when the answer is in).</summary>
        public Task<ActivityOutcome> Task
        {
            get
            {
                var waiter = Volatile.Read(ref _waiter);
                if (waiter is null)
                {
                    var made = new TaskCompletionSource<ActivityOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                    waiter = Interlocked.CompareExchange(ref _waiter, made, null) ?? made;
                }

                if (IsDone)
                {
                    Answer(waiter); // answered before the task was made (or while it was)
                }

                return waiter.Task;
            }
        }

        /// <summary>The answer, without a task when it is already in.</summary>
        public ValueTask<ActivityOutcome> WaitAsync() =>
            !IsDone ? new(Task)
            : _error is { } error ? ValueTask.FromException<ActivityOutcome>(error)
            : ValueTask.FromResult(_outcome!);

        public void Succeed(ActivityOutcome outcome) => Done(outcome, null);

        public void Fail(Exception error) => Done(null, error);

        public void Cancel() => Done(null, new OperationCanceledException(Cancellation));

        public void Complete(Func<ActivityOutcome> outcome)
        {
            try
            {
                Succeed(outcome());
            }
#pragma warning disable CA1031 // the caller gets the exception
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Fail(ex);
            }
        }

        private void Done(ActivityOutcome? outcome, Exception? error)
        {
            if (Interlocked.Exchange(ref _claimed, 1) != 0)
            {
                return; // the first answer stands
            }

            _outcome = outcome;
            _error = error;
            Volatile.Write(ref _done, 1);
            if (Volatile.Read(ref _waiter) is { } waiter)
            {
                Answer(waiter);
            }
        }

        private void Answer(TaskCompletionSource<ActivityOutcome> waiter)
        {
            if (_error is OperationCanceledException cancelled && cancelled.CancellationToken == Cancellation && Cancellation.IsCancellationRequested)
            {
                waiter.TrySetCanceled(Cancellation);
            }
            else if (_error is { } error)
            {
                waiter.TrySetException(error);
            }
            else
            {
                waiter.TrySetResult(_outcome!);
            }
        }
    }

    /// <summary>
    /// Group commit by combining: a caller enqueues its activity; the first caller to find no batch running becomes the
    /// writer and commits batches until its own activity is answered, then hands what is left to a pool thread. With one
    /// caller at a time a batch is that one activity, committed on the caller's own thread; under load, batches grow
    /// by themselves while the previous one commits.
    /// </summary>
    private sealed class CommunityWriter(ActivityPipeline pipeline, CommunityId community)
    {
        private readonly Lock _sync = new();
        private readonly Queue<Pending> _queue = new();
        private readonly List<Pending> _batch = [];
        private bool _writing;

        public async ValueTask<ActivityOutcome> SubmitAsync(Pending pending)
        {
            bool lead;
            lock (_sync)
            {
                _queue.Enqueue(pending);
                lead = !_writing;
                _writing = true;
            }

            if (lead)
            {
                await DrainAsync(pending).ConfigureAwait(false);
            }

            return await pending.WaitAsync().ConfigureAwait(false);
        }

        /// <summary>Queues an activity without waiting for it (an import): a pool thread writes whenever no writer is at work.</summary>
        public Task<ActivityOutcome> Enqueue(Pending pending)
        {
            bool start;
            lock (_sync)
            {
                _queue.Enqueue(pending);
                start = !_writing;
                _writing = true;
            }

            if (start)
            {
                _ = Task.Run(() => DrainAsync(null));
            }

            return pending.Task;
        }

        private async Task DrainAsync(Pending? mine)
        {
            var batch = _batch; // one drainer at a time (_writing), so the list is reused
            batch.Clear();
            var max = pipeline._options.CurrentValue.MaxWriteBatch;
            while (true)
            {
                lock (_sync)
                {
                    if (_queue.Count == 0 || (mine is { IsDone: true } && batch.Count == 0 && HandOff()))
                    {
                        if (_queue.Count == 0)
                        {
                            _writing = false;
                        }

                        return;
                    }

                    while (batch.Count < max && _queue.TryDequeue(out var next))
                    {
                        batch.Add(next);
                    }
                }

                try
                {
                    await pipeline.ProcessBatchAsync(community, batch).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // every caller of the batch gets the exception
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    batch.ForEach(p => p.Fail(ex));
                }

                batch.Clear();
            }
        }

        /// <summary>The leader's own activity is answered but others wait: a pool thread takes over (the lock is held).</summary>
        private bool HandOff()
        {
            _ = Task.Run(() => DrainAsync(null));
            return true;
        }
    }
}
