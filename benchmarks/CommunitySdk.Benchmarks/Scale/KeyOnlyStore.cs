using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CommunitySdk.Storage;

namespace CommunitySdk.Benchmarks.Scale;

/// <summary>
/// A store for measuring the SDK's own cost at scale: it keeps each community's last id, a 64-bit hash of every
/// idempotency key (the lookup a real store makes), and the orders of the last <see cref="OrderRetention"/> (which
/// refunds look up), and drops everything else — the log of 10 million activities would not fit in memory, and it
/// is not what is measured. One writer per community, like every store.
/// </summary>
internal sealed class KeyOnlyStore : ICommunityStore
{
    /// <summary>How long an order stays findable (the workload refunds orders of the last 30 days).</summary>
    public static readonly TimeSpan OrderRetention = TimeSpan.FromDays(45);

    private readonly ConcurrentDictionary<CommunityId, Log> _logs = new();

    public async ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        var log = _logs.GetOrAdd(community, _ => new Log());
        await log.Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Session(log, community);
    }

    public ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_logs.TryGetValue(community, out var log) ? Volatile.Read(ref log.Last) : 0L);

    public ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_logs.TryGetValue(community, out var log) ? log.Find(idempotencyKey) : null);

    public async IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (_logs.TryGetValue(community, out var log) && log.Last > afterActivityId)
        {
            throw new NotSupportedException("The key-only store keeps no log to read.");
        }

        yield break;
    }

    public ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new ActivityPage([], null));

    public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<OutboxEntry>>([]);

    public ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<OutboxEntry>>([]);

    public ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

    private sealed class Log
    {
        public readonly SemaphoreSlim Writer = new(1, 1);
        public long Last;
        private readonly Lock _lock = new();
        private readonly HashSet<ulong> _keys = [];
        private readonly Dictionary<string, CommittedActivity> _orders = new(StringComparer.Ordinal);
        private readonly Queue<CommittedActivity> _ordersByAge = new();

        public CommittedActivity? Find(string key)
        {
            lock (_lock)
            {
                return _keys.Contains(Hash(key)) ? _orders.GetValueOrDefault(key) : null;
            }
        }

        public void Add(CommittedActivity activity)
        {
            lock (_lock)
            {
                _keys.Add(Hash(activity.Activity.IdempotencyKey));
                if (activity.Activity.Type == "order.completed")
                {
                    _orders[activity.Activity.IdempotencyKey] = activity;
                    _ordersByAge.Enqueue(activity);
                }

                while (_ordersByAge.TryPeek(out var oldest) && oldest.EffectiveTime < activity.EffectiveTime - OrderRetention)
                {
                    _orders.Remove(_ordersByAge.Dequeue().Activity.IdempotencyKey);
                }
            }
        }

        /// <summary>FNV-1a over the key's characters.</summary>
        private static ulong Hash(string key)
        {
            var hash = 14695981039346656037UL;
            foreach (var c in key)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }

    private sealed class Session(Log log, CommunityId community) : ICommunityWriteSession
    {
        public CommunityId Community => community;

        public long LastActivityId => Volatile.Read(ref log.Last);

        public ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(log.Find(idempotencyKey));

        public ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default) => CommitManyAsync([activity], cancellationToken);

        public ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default)
        {
            foreach (var activity in activities)
            {
                log.Add(activity);
                Volatile.Write(ref log.Last, activity.ActivityId);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            log.Writer.Release();
            return ValueTask.CompletedTask;
        }
    }
}
