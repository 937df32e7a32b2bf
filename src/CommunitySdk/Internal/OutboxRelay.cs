using System.Collections.Concurrent;
using System.Reflection;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// Publishes outbox entries to <see cref="ICommunityEventHandler{TEvent}"/> services (those of the event's exact type
/// and those of <see cref="CommunityEvent"/>). Every handler acknowledges every event: an entry is delivered when all
/// have; a failed attempt records the acknowledgements so far, and the next attempt — after an exponential backoff —
/// goes only to the handlers that have not acknowledged. After <see cref="CommunityOptions.OutboxMaxAttempts"/> the
/// entry is dead-lettered. Inline publication of a commit's own events uses the same delivery, without the relay's
/// gate, and the relay leaves those entries alone while it runs.
/// </summary>
internal sealed partial class OutboxRelay(
    ICommunityStore store,
    IServiceScopeFactory scopes,
    IOptionsMonitor<CommunityOptions> options,
    TimeProvider time,
    ILoggerFactory? loggerFactory = null) : ICommunityOutbox, IDisposable, IAsyncDisposable
{
    private readonly ILogger<OutboxRelay> logger = SdkLogging.For<OutboxRelay>(loggerFactory);
    private static readonly MethodInfo HandlersMethod = typeof(OutboxRelay).GetMethod(nameof(HandlersOf), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, Func<IServiceProvider, List<Handler>>> Resolvers = new();
    private readonly ConcurrentDictionary<Type, bool> _handled = new();
    private static readonly string[] NoAcknowledgements = [];
    private static readonly TimeSpan AcknowledgeDelay = TimeSpan.FromMilliseconds(20);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<OutboxKey, byte> _inline = new();
    private readonly ConcurrentDictionary<Task, byte> _publishing = new();
    private readonly Lock _ackSync = new();
    private List<OutboxKey> _acknowledged = [];
    private Task _flushing = Task.CompletedTask;
    private bool _flushRunning;

    public async ValueTask<int> RelayPendingAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushedAsync().ConfigureAwait(false); // what inline publication delivered leaves the outbox first
            var delivered = 0;
            var seen = new HashSet<OutboxKey>();
            while (true)
            {
                var batch = await store.GetPendingOutboxAsync(options.CurrentValue.OutboxBatchSize + seen.Count, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                var fresh = batch.Where(e => seen.Add(e.Key) && !_inline.ContainsKey(e.Key)).ToList();
                if (fresh.Count == 0)
                {
                    return delivered;
                }

                delivered += await DeliverAsync(fresh, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 10_000);
        return store.GetDeadLettersAsync(max, cancellationToken);
    }

    public ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return store.RequeueDeadLettersAsync(entries, cancellationToken);
    }

    /// <summary>
    /// Whether any event of the activities has a handler (registrations do not change while the host runs). Without
    /// one, inline publication is only the acknowledgement: see <see cref="AcknowledgeUnhandled"/>.
    /// </summary>
    public bool AnyHandled(IReadOnlyList<CommittedActivity> committed)
    {
        foreach (var activity in committed)
        {
            foreach (var communityEvent in activity.Events)
            {
                if (_handled.GetOrAdd(communityEvent.GetType(), static (type, relay) => relay.CountHandlers(type) > 0, this))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Acknowledges activities whose events no handler wants (their outbox entries just leave, coalesced).</summary>
    public void AcknowledgeUnhandled(IReadOnlyList<CommittedActivity> committed)
    {
        var keys = new List<OutboxKey>(committed.Count);
        foreach (var activity in committed)
        {
            if (activity.Events.Count > 0)
            {
                var key = new OutboxKey(activity.Activity.Community, activity.ActivityId);
                _inline.TryAdd(key, 0);
                keys.Add(key);
            }
        }

        Acknowledge(keys);
    }

    private int CountHandlers(Type eventType)
    {
        try
        {
            using var scope = scopes.CreateScope();
            return Resolvers.GetOrAdd(eventType, Resolver)(scope.ServiceProvider).Count;
        }
#pragma warning disable CA1031 // A handler that cannot be created counts as one: delivery reports its error and retries.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 1;
        }
    }

    /// <summary>
    /// Starts publishing the events of activities just committed (inline publication), off the caller's thread, and
    /// keeps track of it until it ends, so a disposal lets it finish. Never faults.
    /// </summary>
    public Task PublishCommitted(IReadOnlyList<CommittedActivity> committed)
    {
        var publishing = Task.Run(() => PublishCommittedAsync(committed));
        _publishing.TryAdd(publishing, 0);
        _ = publishing.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _publishing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return publishing;
    }

    /// <summary>Publishes the events of activities just committed. Never throws: what is not delivered stays in the outbox for the relay.</summary>
    private async Task PublishCommittedAsync(IReadOnlyList<CommittedActivity> committed)
    {
        var entries = new List<OutboxEntry>(committed.Count);
        foreach (var activity in committed)
        {
            if (activity.Events.Count > 0)
            {
                var entry = new OutboxEntry(activity.Activity.Community, activity.ActivityId, activity.Events, 0, NoAcknowledgements);
                _inline.TryAdd(entry.Key, 0);
                entries.Add(entry);
            }
        }

        var delivered = new List<OutboxKey>(entries.Count);
        try
        {
            await DeliverAsync(entries, CancellationToken.None, delivered).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The activities are committed; a failing publication is retried from the outbox.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex);
        }
        finally
        {
            // Delivered entries leave the outbox together with those of other commits (one write for many), and stay
            // out of the relay's way until then; the rest go back to the relay now.
            var acknowledged = delivered.ToHashSet();
            foreach (var entry in entries)
            {
                if (!acknowledged.Contains(entry.Key))
                {
                    _inline.TryRemove(entry.Key, out _);
                }
            }

            Acknowledge(delivered);
        }
    }

    /// <summary>Queues delivered entries for one coalesced write that removes them from the outbox.</summary>
    private void Acknowledge(List<OutboxKey> delivered)
    {
        if (delivered.Count == 0)
        {
            return;
        }

        lock (_ackSync)
        {
            _acknowledged.AddRange(delivered);
            StartFlushLocked();
        }
    }

    /// <summary>
    /// Writes the queued acknowledgements until none is left, after a short pause that lets the commits of that moment
    /// join the same write. A failure leaves them to the relay (at least once).
    /// </summary>
    private async Task FlushAsync()
    {
        await Task.Delay(AcknowledgeDelay).ConfigureAwait(false);
        while (true)
        {
            List<OutboxKey> batch;
            lock (_ackSync)
            {
                if (_acknowledged.Count == 0)
                {
                    _flushRunning = false; // decided under the lock: a later Acknowledge starts the next flush
                    return;
                }

                (batch, _acknowledged) = (_acknowledged, []);
            }

            try
            {
                await store.MarkDeliveredAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Delivered but still in the outbox: the relay delivers it again, handlers dedupe.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPublishFailed(ex);
            }
            finally
            {
                foreach (var key in batch)
                {
                    _inline.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Waits until acknowledgements queued so far are written.</summary>
    private async Task FlushedAsync()
    {
        while (true)
        {
            Task flushing;
            lock (_ackSync)
            {
                if (_acknowledged.Count == 0 && !_flushRunning)
                {
                    return;
                }

                StartFlushLocked();
                flushing = _flushing;
            }

            await flushing.ConfigureAwait(false);
        }
    }

    private void StartFlushLocked()
    {
        if (!_flushRunning && _acknowledged.Count > 0)
        {
            _flushRunning = true;
            _flushing = Task.Run(FlushAsync);
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// Lets inline publications still running finish and writes the acknowledgements still queued, within 10 seconds
    /// (the store is disposed after the relay that depends on it).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_publishing.Keys).ContinueWith(_ => FlushedAsync(), TaskScheduler.Default).Unwrap().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // left in the outbox: delivered again by the next process (at least once)
        }

        _gate.Dispose();
    }

    /// <summary>Delivers entries to every handler that has not acknowledged them; records the outcome. Returns how many were delivered whole.</summary>
    private async Task<int> DeliverAsync(List<OutboxEntry> entries, CancellationToken cancellationToken, List<OutboxKey>? deliveredLater = null)
    {
        var done = deliveredLater ?? new List<OutboxKey>(entries.Count);
        var failures = new List<OutboxFailure>();
        var settings = options.CurrentValue;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                HashSet<string>? acknowledged = null;
                string? error = null;
                HashSet<string>? failedHandlers = null;
                foreach (var communityEvent in entry.Events)
                {
                    foreach (var handler in Resolvers.GetOrAdd(communityEvent.GetType(), Resolver)(scope.ServiceProvider))
                    {
                        var key = OutboxEntry.AcknowledgementKey(communityEvent.Index, handler.Name);
                        if (entry.Acknowledged.Contains(key) || failedHandlers?.Contains(handler.Name) == true)
                        {
                            continue; // acknowledged on an earlier attempt; or this handler failed on an earlier event of the entry (its order is kept)
                        }

                        try
                        {
                            await handler.HandleAsync(communityEvent, cancellationToken).ConfigureAwait(false);
                            (acknowledged ??= new HashSet<string>(entry.Acknowledged, StringComparer.Ordinal)).Add(key);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            throw;
                        }
#pragma warning disable CA1031 // A failing handler must not stop the others; it gets the event again later.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            LogHandlerFailed(ex, handler.Name, communityEvent.GetType().Name, entry.ActivityId, entry.Attempts + 1);
                            (failedHandlers ??= new HashSet<string>(StringComparer.Ordinal)).Add(handler.Name);
                            error = $"{handler.Name} on {communityEvent.GetType().Name} #{communityEvent.Index}: {ex.GetType().Name}: {ex.Message}";
                        }
                    }
                }

                if (error is null)
                {
                    done.Add(entry.Key);
                    continue;
                }

                var attempts = entry.Attempts + 1;
                var dead = attempts >= settings.OutboxMaxAttempts;
                var delay = TimeSpan.FromTicks((long)Math.Min(settings.OutboxMaxRetryDelay.Ticks, settings.OutboxRetryDelay.Ticks * Math.Pow(2, attempts - 1)));
                failures.Add(new OutboxFailure(entry.Key, acknowledged ?? (IReadOnlyCollection<string>)entry.Acknowledged, time.GetUtcNow() + delay, dead, error));
                if (dead)
                {
                    LogDeadLettered(entry.Community, entry.ActivityId, attempts, error);
                }
            }
        }

        if (done.Count > 0 && deliveredLater is null)
        {
            await store.MarkDeliveredAsync(done, cancellationToken).ConfigureAwait(false);
        }

        if (failures.Count > 0)
        {
            await store.MarkFailedAsync(failures, cancellationToken).ConfigureAwait(false);
        }

        return done.Count;
    }

    private static Func<IServiceProvider, List<Handler>> Resolver(Type eventType) =>
        HandlersMethod.MakeGenericMethod(eventType).CreateDelegate<Func<IServiceProvider, List<Handler>>>();

    private static List<Handler> HandlersOf<TEvent>(IServiceProvider services)
        where TEvent : CommunityEvent
    {
        var handlers = new List<Handler>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        string Name(object handler, string suffix)
        {
            var name = handler.GetType().FullName + suffix;
            for (var n = 2; !names.Add(name); n++)
            {
                name = $"{handler.GetType().FullName}{suffix}#{n}"; // the same handler type registered twice: two handlers
            }

            return name;
        }

        foreach (var handler in services.GetServices<ICommunityEventHandler<TEvent>>())
        {
            handlers.Add(new Handler(Name(handler, string.Empty), (e, ct) => handler.HandleAsync((TEvent)e, ct)));
        }

        if (typeof(TEvent) != typeof(CommunityEvent))
        {
            foreach (var handler in services.GetServices<ICommunityEventHandler<CommunityEvent>>())
            {
                handlers.Add(new Handler(Name(handler, "(all)"), handler.HandleAsync));
            }
        }

        return handlers;
    }

    private sealed record Handler(string Name, Func<CommunityEvent, CancellationToken, ValueTask> HandleAsync);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler {Handler} failed on {EventType} (activity {ActivityId}), attempt {Attempt}; the event stays in the outbox for it")]
    private partial void LogHandlerFailed(Exception exception, string handler, string eventType, long activityId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox entry {Community}/{ActivityId} is dead-lettered after {Attempts} attempts: {Error}")]
    private partial void LogDeadLettered(CommunityId community, long activityId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing events after commit failed; they stay in the outbox")]
    private partial void LogPublishFailed(Exception exception);
}
