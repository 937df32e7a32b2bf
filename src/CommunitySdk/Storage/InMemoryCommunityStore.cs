using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace CommunitySdk.Storage;

/// <summary>
/// A store that keeps everything in process memory: the default for tests, samples and previews. It
/// honours the same contract as the durable providers (one writer per community, atomic commit,
/// idempotency index, outbox) but nothing survives the process.
/// </summary>
public sealed class InMemoryCommunityStore : ICommunityStore, ICommunitySnapshotStore
{
    private readonly ConcurrentDictionary<CommunityId, CommunityLog> _logs = new();
    private readonly ConcurrentDictionary<CommunityId, CommunitySnapshot[]> _snapshots = new();
    private readonly Lock _outboxLock = new();
    private readonly SortedDictionary<long, Outboxed> _outbox = []; // by commit order
    private readonly Dictionary<OutboxKey, long> _outboxOrder = [];
    private long _nextOutboxId;

    /// <inheritdoc />
    public async ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        var log = GetLog(community);
        await log.Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Session(this, log, community);
    }

    /// <inheritdoc />
    public ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_logs.TryGetValue(StoreProviderSupport.RequireCommunity(community), out var log) ? Volatile.Read(ref log.LastId) : 0L);

    /// <inheritdoc />
    public ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return ValueTask.FromResult(_logs.TryGetValue(StoreProviderSupport.RequireCommunity(community), out var log) ? log.Find(idempotencyKey) : null);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_logs.TryGetValue(StoreProviderSupport.RequireCommunity(community), out var log))
        {
            yield break;
        }

        const int chunk = 1024;
        var next = (int)Math.Max(afterActivityId, 0);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CommittedActivity[] batch;
            lock (log.Sync)
            {
                var count = Math.Min(chunk, log.Entries.Count - next);
                if (count <= 0)
                {
                    yield break;
                }

                batch = log.Entries.GetRange(next, count).ToArray();
            }

            next += batch.Length;
            foreach (var entry in batch)
            {
                yield return entry;
            }

            await Task.Yield();
        }
    }

    /// <inheritdoc />
    public ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.Validate();
        if (!_logs.TryGetValue(StoreProviderSupport.RequireCommunity(community), out var log))
        {
            return ValueTask.FromResult(new ActivityPage([], null));
        }

        var items = new List<CommittedActivity>(page.PageSize);
        var more = false;
        lock (log.Sync)
        {
            if (log.ByMember.TryGetValue(member, out var indexes))
            {
                // indexes ascend by activity id; walk backwards from the cursor.
                var before = page.Before ?? long.MaxValue;
                for (var i = indexes.Count - 1; i >= 0; i--)
                {
                    var entry = log.Entries[indexes[i]];
                    if (entry.ActivityId >= before)
                    {
                        continue;
                    }

                    if (items.Count == page.PageSize)
                    {
                        more = true;
                        break;
                    }

                    items.Add(entry);
                }
            }
        }

        var next = more ? page with { Before = items[^1].ActivityId } : null;
        return ValueTask.FromResult(new ActivityPage(items, next));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (_outboxLock)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(_outbox.Values.Where(o => !o.Dead && o.Due <= dueBy).Take(max).Select(o => o.Entry).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_outboxLock)
        {
            foreach (var key in entries)
            {
                if (_outboxOrder.Remove(key, out var order))
                {
                    _outbox.Remove(order);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failures);
        lock (_outboxLock)
        {
            foreach (var failure in failures)
            {
                if (_outboxOrder.TryGetValue(failure.Key, out var order))
                {
                    var entry = _outbox[order].Entry;
                    _outbox[order] = new Outboxed(
                        entry with { Attempts = entry.Attempts + 1, Acknowledged = failure.Acknowledged.ToArray(), LastError = failure.Error },
                        failure.NextAttemptAt,
                        failure.DeadLetter);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (_outboxLock)
        {
            return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(_outbox.Values.Where(o => o.Dead).Take(max).Select(o => o.Entry).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var requeued = 0;
        lock (_outboxLock)
        {
            foreach (var key in entries)
            {
                if (_outboxOrder.TryGetValue(key, out var order) && _outbox[order] is { Dead: true } dead)
                {
                    _outbox[order] = new Outboxed(dead.Entry with { Attempts = 0 }, DateTimeOffset.MinValue, false);
                    requeued++;
                }
            }
        }

        return ValueTask.FromResult(requeued);
    }

    /// <inheritdoc />
    public ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StoreProviderSupport.RequireCommunity(snapshot.Community);
        var copy = snapshot with { Data = (byte[])snapshot.Data.Clone() };
        var log = GetLog(snapshot.Community);
        lock (_outboxLock) // an erasure deletes snapshots under this lock
        {
            lock (log.Sync)
            {
                if (log.Entries.Skip((int)Math.Min(snapshot.Position, log.Entries.Count)).Any(e => e.Activity.Type == CommunityActivityTypes.Erase))
                {
                    return ValueTask.CompletedTask; // taken before an erasure: it may hold the erased member's id
                }
            }

            _snapshots.AddOrUpdate(snapshot.Community, [copy], (_, kept) => [copy, .. kept.Where(k => k.Position < copy.Position).Take(1)]);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_snapshots.TryGetValue(StoreProviderSupport.RequireCommunity(community), out var kept) ? kept[0] : null);

    private CommunityLog GetLog(CommunityId community) => _logs.GetOrAdd(StoreProviderSupport.RequireCommunity(community), static _ => new CommunityLog());

    private void Commit(CommunityLog log, CommittedActivity activity)
    {
        lock (_outboxLock)
        {
            lock (log.Sync)
            {
                log.Entries.Add(activity);
                log.ByKey.Add(activity.Activity.IdempotencyKey, activity);
                var position = log.Entries.Count - 1;
                Index(log, activity.Activity.Member, position);
                foreach (var e in activity.Events)
                {
                    // An activity that affected another member (an inviter's reward) is in that member's history too.
                    if (e.Member != activity.Activity.Member)
                    {
                        Index(log, e.Member, position);
                    }
                }
                Volatile.Write(ref log.LastId, activity.ActivityId);
            }

            if (activity.Events.Count > 0)
            {
                var id = ++_nextOutboxId;
                var entry = new OutboxEntry(activity.Activity.Community, activity.ActivityId, activity.Events, 0, []);
                _outbox.Add(id, new Outboxed(entry, DateTimeOffset.MinValue, false));
                _outboxOrder.Add(entry.Key, id);
            }
        }
    }

    /// <summary>A rewrite in place: entries (and pending outbox copies of their events) replaced, under the locks.</summary>
    private void Rewrite(CommunityLog log, CommunityId community, IReadOnlyList<CommittedActivity> rewritten)
    {
        lock (_outboxLock)
        {
            lock (log.Sync)
            {
                foreach (var activity in rewritten)
                {
                    Replace(log, community, activity);
                }
            }
        }
    }

    private void Replace(CommunityLog log, CommunityId community, CommittedActivity rewritten)
    {
        var position = (int)(rewritten.ActivityId - 1); // ids run 1, 2, 3, ... without gaps
        var old = log.Entries[position];
        log.ByKey.Remove(old.Activity.IdempotencyKey);
        log.ByKey[rewritten.Activity.IdempotencyKey] = rewritten;
        log.Entries[position] = rewritten;
        if (_outboxOrder.TryGetValue(new OutboxKey(community, rewritten.ActivityId), out var order))
        {
            var pending = _outbox[order];
            _outbox[order] = pending with { Entry = pending.Entry with { Events = rewritten.Events, LastError = null } };
        }
    }

    /// <summary>An erasure: the rewritten entries replace theirs, the indexes and pending outbox entries follow, snapshots go, then the erasure commits; all under the locks.</summary>
    private void Erase(CommunityLog log, CommunityId community, MemberErasureWrite erasure)
    {
        lock (_outboxLock)
        {
            lock (log.Sync)
            {
                foreach (var rewritten in erasure.Rewritten)
                {
                    Replace(log, community, rewritten);
                    var position = (int)(rewritten.ActivityId - 1);
                    Index(log, rewritten.Activity.Member, position);
                    foreach (var e in rewritten.Events)
                    {
                        Index(log, e.Member, position);
                    }
                }

                log.ByMember.Remove(erasure.Member);
                if (log.ByMember.TryGetValue(erasure.Tombstone, out var positions))
                {
                    log.ByMember[erasure.Tombstone] = positions.Distinct().Order().ToList();
                }
            }

            _snapshots.TryRemove(community, out _);
            Commit(log, erasure.Erasure);
        }
    }

    private sealed record Outboxed(OutboxEntry Entry, DateTimeOffset Due, bool Dead);

    private static void Index(CommunityLog log, MemberId member, int position)
    {
        if (!log.ByMember.TryGetValue(member, out var indexes))
        {
            log.ByMember[member] = indexes = [];
        }

        if (indexes.Count == 0 || indexes[^1] != position)
        {
            indexes.Add(position);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds no unmanaged resource; logs live as long as the store.")]
    private sealed class CommunityLog
    {
        public readonly SemaphoreSlim Writer = new(1, 1);
        public readonly Lock Sync = new();
        public readonly List<CommittedActivity> Entries = [];
        public readonly Dictionary<string, CommittedActivity> ByKey = new(StringComparer.Ordinal);
        public readonly Dictionary<MemberId, List<int>> ByMember = [];
        public long LastId;

        public CommittedActivity? Find(string key)
        {
            lock (Sync)
            {
                return ByKey.GetValueOrDefault(key);
            }
        }
    }

    private sealed class Session(InMemoryCommunityStore store, CommunityLog log, CommunityId community) : ICommunityWriteSession, ICommunityRewriteSession
    {
        private bool _disposed;

        public CommunityId Community => community;

        public long LastActivityId => Volatile.Read(ref log.LastId);

        public ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ValueTask.FromResult(log.Find(idempotencyKey));
        }

        public ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(activity);
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (activity.ActivityId != LastActivityId + 1)
            {
                throw new InvalidOperationException($"Activity id {activity.ActivityId} does not follow the last committed id {LastActivityId}.");
            }

            if (log.Find(activity.Activity.IdempotencyKey) is not null)
            {
                throw new InvalidOperationException($"Idempotency key '{activity.Activity.IdempotencyKey}' is already committed.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            store.Commit(log, activity);
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(activities);
            ObjectDisposedException.ThrowIf(_disposed, this);

            // All or nothing: check the whole batch before the first one is committed.
            StoreProviderSupport.CheckBatch(community, LastActivityId, activities);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var activity in activities)
            {
                if (!keys.Add(activity.Activity.IdempotencyKey) || log.Find(activity.Activity.IdempotencyKey) is not null)
                {
                    throw new InvalidOperationException($"Idempotency key '{activity.Activity.IdempotencyKey}' is already committed.");
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            foreach (var activity in activities)
            {
                store.Commit(log, activity);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask RewriteAsync(IReadOnlyList<CommittedActivity> rewritten, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(rewritten);
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            store.Rewrite(log, community, rewritten);
            return ValueTask.CompletedTask;
        }

        public ValueTask EraseAsync(MemberErasureWrite erasure, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(erasure);
            ObjectDisposedException.ThrowIf(_disposed, this);
            StoreProviderSupport.CheckBatch(community, LastActivityId, [erasure.Erasure]);
            cancellationToken.ThrowIfCancellationRequested();
            store.Erase(log, community, erasure);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                log.Writer.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
