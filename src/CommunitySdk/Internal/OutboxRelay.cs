using System.Collections.Concurrent;
using System.Reflection;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// Publishes outbox entries to <see cref="ICommunityEventHandler{TEvent}"/> services (those of the
/// event's exact type and those of <see cref="CommunityEvent"/>), then marks them delivered. An entry whose
/// handler throws stays pending, counted as a failed attempt, and is delivered again later — at least once.
/// </summary>
internal sealed partial class OutboxRelay(
    ICommunityStore store,
    IServiceScopeFactory scopes,
    IOptionsMonitor<CommunityOptions> options,
    ILogger<OutboxRelay> logger) : ICommunityOutbox, IDisposable
{
    private static readonly MethodInfo DispatchMethod = typeof(OutboxRelay).GetMethod(nameof(DispatchAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, Func<IServiceProvider, CommunityEvent, CancellationToken, ValueTask>> Dispatchers = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<int> RelayPendingAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var delivered = 0;
            var failedThisRun = new HashSet<long>();
            while (true)
            {
                var batch = await store.GetPendingOutboxAsync(options.CurrentValue.OutboxBatchSize + failedThisRun.Count, cancellationToken).ConfigureAwait(false);
                var fresh = batch.Where(e => !failedThisRun.Contains(e.Id)).ToArray();
                if (fresh.Length == 0)
                {
                    return delivered;
                }

                var done = new List<long>(fresh.Length);
                var failed = new List<long>();
                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    foreach (var entry in fresh)
                    {
                        try
                        {
                            await Dispatcher(entry.Event.GetType())(scope.ServiceProvider, entry.Event, cancellationToken).ConfigureAwait(false);
                            done.Add(entry.Id);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            throw;
                        }
#pragma warning disable CA1031 // A failing handler must not stop the others; the entry is retried later.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            LogHandlerFailed(ex, entry.Event.GetType().Name, entry.Event.ActivityId, entry.Attempts + 1);
                            failed.Add(entry.Id);
                            failedThisRun.Add(entry.Id);
                        }
                    }
                }

                await store.MarkDeliveredAsync(done, cancellationToken).ConfigureAwait(false);
                if (failed.Count > 0)
                {
                    await store.MarkFailedAsync(failed, cancellationToken).ConfigureAwait(false);
                }

                delivered += done.Count;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static Func<IServiceProvider, CommunityEvent, CancellationToken, ValueTask> Dispatcher(Type eventType) =>
        Dispatchers.GetOrAdd(eventType, static type => DispatchMethod.MakeGenericMethod(type).CreateDelegate<Func<IServiceProvider, CommunityEvent, CancellationToken, ValueTask>>());

    private static async ValueTask DispatchAsync<TEvent>(IServiceProvider services, CommunityEvent communityEvent, CancellationToken cancellationToken)
        where TEvent : CommunityEvent
    {
        var typed = (TEvent)communityEvent;
        foreach (var handler in services.GetServices<ICommunityEventHandler<TEvent>>())
        {
            await handler.HandleAsync(typed, cancellationToken).ConfigureAwait(false);
        }

        if (typeof(TEvent) != typeof(CommunityEvent))
        {
            foreach (var handler in services.GetServices<ICommunityEventHandler<CommunityEvent>>())
            {
                await handler.HandleAsync(communityEvent, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A handler of {EventType} (activity {ActivityId}) failed on attempt {Attempt}; the event stays in the outbox")]
    private partial void LogHandlerFailed(Exception exception, string eventType, long activityId, int attempt);
}
