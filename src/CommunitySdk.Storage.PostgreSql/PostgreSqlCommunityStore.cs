using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace CommunitySdk.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL store, shared by any number of app instances. A write session holds a transaction-level
/// advisory lock on its community (<c>pg_advisory_xact_lock</c>), so one writer per community commits at a
/// time across every instance and the activity ids stay gap-free; the idempotency key is a unique
/// constraint, so a key committed by another instance is found, never committed twice.
/// </summary>
public sealed class PostgreSqlCommunityStore : ICommunityStore, ICommunitySnapshotStore, IAsyncDisposable, IDisposable
{
    private const string Columns = StoreProviderSupport.ActivityColumns;

    private readonly PostgreSqlStoreOptions _options;
    private readonly CommunityEventSerializer _serializer;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _ready;
    private bool _disposed;

    /// <summary>Creates the store.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="serializer">The event serializer (registered by <c>AddCommunitySdk</c>).</param>
    public PostgreSqlCommunityStore(PostgreSqlStoreOptions options, CommunityEventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgreSqlStoreOptions.ConnectionString is required.", nameof(options));
        }

        _options = options;
        _serializer = serializer;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
    }

    /// <inheritdoc />
    public async ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var session = new Session(this, connection, community);
                await session.BeginAsync(cancellationToken).ConfigureAwait(false);
                return session;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await LastIdAsync(connection, null, community, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            ArgumentNullException.ThrowIfNull(idempotencyKey);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await FindAsync(connection, null, community, idempotencyKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, CancellationToken cancellationToken = default)
    {
        StoreProviderSupport.RequireCommunity(community);
        return StoreProviderSupport.ReadInChunksAsync((after, chunk, ct) => ReadChunkAsync(community, after, chunk, ct), afterActivityId, 1000, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            ArgumentNullException.ThrowIfNull(page);
            page.Validate();
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // What the member did, and the activities whose events concern them (an inviter's reward on an invitee's order).
            await using var command = new NpgsqlCommand(
                $"""
                SELECT {Columns} FROM community_activities WHERE community = $1 AND activity_id IN (
                    (SELECT activity_id FROM community_activities WHERE community = $1 AND member = $2 AND activity_id < $3 ORDER BY activity_id DESC LIMIT $4)
                    UNION
                    (SELECT activity_id FROM community_event_members WHERE community = $1 AND member = $2 AND activity_id < $3 ORDER BY activity_id DESC LIMIT $4))
                ORDER BY activity_id DESC LIMIT $4;
                """,
                connection);
            command.Parameters.AddWithValue(community.Value);
            command.Parameters.AddWithValue(member.Value);
            command.Parameters.AddWithValue(page.Before ?? long.MaxValue);
            command.Parameters.AddWithValue(page.PageSize + 1);
            var items = new List<CommittedActivity>(page.PageSize + 1);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await StoreProviderSupport.ReadActivitiesAsync(reader, _serializer, items, cancellationToken).ConfigureAwait(false);
            }

            return StoreProviderSupport.ToPage(items, page);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(snapshot);
            StoreProviderSupport.RequireCommunity(snapshot.Community);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                // The community's writer lock first, so an erasure (which deletes snapshots) is wholly before or after
                // this; a snapshot taken before an erasure is not saved: it may hold the erased member's id.
                var lockCommunity = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0));");
                lockCommunity.Parameters.AddWithValue("communitysdk:" + snapshot.Community.Value);
                batch.BatchCommands.Add(lockCommunity);
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO community_snapshots (community, position, taken_at, data)
                    SELECT $1, $2, $3, $4 WHERE NOT EXISTS
                        (SELECT 1 FROM community_activities WHERE community = $1 AND activity_id > $2 AND type = 'member.erase')
                    ON CONFLICT (community, position) DO UPDATE SET taken_at = EXCLUDED.taken_at, data = EXCLUDED.data;
                    """);
                insert.Parameters.AddWithValue(snapshot.Community.Value);
                insert.Parameters.AddWithValue(snapshot.Position);
                insert.Parameters.AddWithValue(snapshot.TakenAt.ToUniversalTime());
                insert.Parameters.AddWithValue(NpgsqlDbType.Bytea, snapshot.Data);
                batch.BatchCommands.Add(insert);
                var trim = new NpgsqlBatchCommand("DELETE FROM community_snapshots WHERE community = $1 AND position NOT IN (SELECT position FROM community_snapshots WHERE community = $1 ORDER BY position DESC LIMIT 2);");
                trim.Parameters.AddWithValue(snapshot.Community.Value);
                batch.BatchCommands.Add(trim);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The new snapshot and the trim commit together, or neither does.
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT position, taken_at, data FROM community_snapshots WHERE community = $1 ORDER BY position DESC LIMIT 1;", connection);
            command.Parameters.AddWithValue(community.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new CommunitySnapshot(community, reader.GetInt64(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), (byte[])reader.GetValue(2))
                : null;
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default) =>
        ReadOutboxAsync("NOT o.dead AND o.next_attempt_at <= $2", max, dueBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default) =>
        ReadOutboxAsync("o.dead AND $2 IS NOT NULL", max, DateTimeOffset.UnixEpoch, cancellationToken);

    /// <inheritdoc />
    public async ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await UpdateOutboxAsync(entries, "DELETE FROM community_outbox o USING unnest($1::text[], $2::bigint[]) AS k(c, a) WHERE o.community = k.c AND o.activity_id = k.a;", null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failures);
        await UpdateOutboxAsync(
            failures.Select(f => f.Key).ToList(),
            """
            UPDATE community_outbox o SET attempts = o.attempts + 1, next_attempt_at = k.next, acknowledged = k.ack, dead = k.dead, last_error = k.error
            FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::boolean[], $6::text[]) AS k(c, a, next, ack, dead, error)
            WHERE o.community = k.c AND o.activity_id = k.a;
            """,
            command =>
            {
                command.Parameters.AddWithValue(failures.Select(f => f.NextAttemptAt.ToUniversalTime()).ToArray());
                command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, failures.Select(f => StoreProviderSupport.JoinAcknowledgements(f.Acknowledged)).ToArray());
                command.Parameters.AddWithValue(failures.Select(f => f.DeadLetter).ToArray());
                command.Parameters.AddWithValue(failures.Select(f => f.Error).ToArray());
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return await UpdateOutboxAsync(entries, "UPDATE community_outbox o SET dead = false, attempts = 0, next_attempt_at = '-infinity' FROM unnest($1::text[], $2::bigint[]) AS k(c, a) WHERE o.community = k.c AND o.activity_id = k.a AND o.dead;", null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _init.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string where, int max, DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                $"""
                SELECT {StoreProviderSupport.OutboxColumns}
                FROM community_outbox o JOIN community_activities a ON a.community = o.community AND a.activity_id = o.activity_id
                WHERE {where} ORDER BY o.community, o.activity_id LIMIT $1;
                """,
                connection);
            command.Parameters.AddWithValue(max);
            command.Parameters.AddWithValue(due.ToUniversalTime());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await StoreProviderSupport.ReadOutboxAsync(reader, _serializer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    private async ValueTask<int> UpdateOutboxAsync(IReadOnlyCollection<OutboxKey> entries, string sql, Action<NpgsqlCommand>? bind, CancellationToken cancellationToken)
    {
        try
        {
            if (entries.Count == 0)
            {
                return 0;
            }

            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue(entries.Select(k => k.Community.Value).ToArray());
            command.Parameters.AddWithValue(entries.Select(k => k.ActivityId).ToArray());
            bind?.Invoke(command);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_ready)
        {
            await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_ready)
                {
                    await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    if (_options.AutoMigrate)
                    {
                        await PostgreSqlMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
                    }
                    else if (await PostgreSqlMigrations.GetVersionAsync(connection, cancellationToken).ConfigureAwait(false) is var version && version < PostgreSqlMigrations.LatestVersion)
                    {
                        throw new InvalidOperationException(
                            $"The PostgreSQL database is at schema version {version}; this version of CommunitySdk needs {PostgreSqlMigrations.LatestVersion}. " +
                            "Apply the scripts in the package's sql/postgresql folder (or PostgreSqlMigrations.ApplyAsync), or set AutoMigrate = true.");
                    }

                    _ready = true;
                }
            }
            finally
            {
                _init.Release();
            }
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> LastIdAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CommunityId community, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(activity_id), 0) FROM community_activities WHERE community = $1;", connection, transaction);
        command.Parameters.AddWithValue(community.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<CommittedActivity?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CommunityId community, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM community_activities WHERE community = $1 AND idempotency_key = $2;", connection, transaction);
        command.Parameters.AddWithValue(community.Value);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreProviderSupport.ReadActivityAsync(reader, _serializer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<CommittedActivity>> ReadChunkAsync(CommunityId community, long after, int chunk, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT {Columns} FROM community_activities WHERE community = $1 AND activity_id > $2 ORDER BY activity_id LIMIT $3;", connection);
            command.Parameters.AddWithValue(community.Value);
            command.Parameters.AddWithValue(after);
            command.Parameters.AddWithValue(chunk);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await StoreProviderSupport.ReadActivitiesAsync(reader, _serializer, new List<CommittedActivity>(chunk), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
        {
            throw PostgreSqlErrors.Unavailable(ex);
        }
    }


    private sealed class Session(PostgreSqlCommunityStore store, NpgsqlConnection connection, CommunityId community) : ICommunityWriteSession, ICommunityRewriteSession
    {
        /// <summary>An erasure's clean-up, each with $1 the community and $2 the erased member.</summary>
        private static readonly string[] EraseSql =
        [
            "DELETE FROM community_event_members WHERE community = $1 AND member = $2;",
            "DELETE FROM community_snapshots WHERE community = $1 AND $2 IS NOT NULL;",
            "UPDATE community_outbox SET last_error = NULL WHERE community = $1 AND strpos(last_error, $2) > 0;",
        ];

        private NpgsqlTransaction? _transaction;
        private bool _disposed;

        public CommunityId Community => community;

        public long LastActivityId { get; private set; }

        /// <summary>Opens a transaction holding the community's advisory lock and reads the last id.</summary>
        public async Task BeginAsync(CancellationToken cancellationToken)
        {
            _transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", connection, _transaction))
            {
                command.Parameters.AddWithValue("communitysdk:" + community.Value);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            LastActivityId = await LastIdAsync(connection, _transaction, community, cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default)
        {
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                ArgumentNullException.ThrowIfNull(idempotencyKey);
                return await store.FindAsync(connection, await TransactionAsync(cancellationToken).ConfigureAwait(false), community, idempotencyKey, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
            {
                throw PostgreSqlErrors.Unavailable(ex);
            }
        }

        public ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(activity);
            return CommitManyAsync([activity], cancellationToken);
        }

        public async ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(activities);
                ObjectDisposedException.ThrowIf(_disposed, this);
                var transaction = await TransactionAsync(cancellationToken).ConfigureAwait(false);
                StoreProviderSupport.CheckBatch(community, LastActivityId, activities);
                var records = activities.Select(a => (Activity: a, Record: store._serializer.ToRecord(a))).ToList(); // before any write: an unregistered event type changes nothing

                cancellationToken.ThrowIfCancellationRequested();
                await ExecuteAndCommitAsync(transaction, batch => AddInserts(batch, records)).ConfigureAwait(false); // one round trip: the activities and their outbox entries
                if (records.Count > 0)
                {
                    LastActivityId = records[^1].Activity.ActivityId;
                }
            }
            catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
            {
                throw PostgreSqlErrors.Unavailable(ex);
            }
        }

        /// <summary>The open transaction (holding the community's advisory lock), or a new one.</summary>
        private async ValueTask<NpgsqlTransaction> TransactionAsync(CancellationToken cancellationToken)
        {
            if (_transaction is null)
            {
                await BeginAsync(cancellationToken).ConfigureAwait(false);
            }

            return _transaction!;
        }

        /// <summary>Runs one batch in the transaction and commits it, or rolls it back; the advisory lock goes with it.</summary>
        private async ValueTask ExecuteAndCommitAsync(NpgsqlTransaction transaction, Action<NpgsqlBatch> fill)
        {
            try
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    fill(batch);
                    if (batch.BatchCommands.Count > 0)
                    {
                        await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await RollbackAsync().ConfigureAwait(false);
                throw new InvalidOperationException("An idempotency key (or activity id) is already committed; nothing was written.", ex);
            }
            catch
            {
                await RollbackAsync().ConfigureAwait(false);
                throw;
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        /// <summary>Adds the member index rows of an activity: every member its events concern besides its own.</summary>
        private static void AddEventMembers(NpgsqlBatch batch, CommittedActivity activity, ActivityRecord r)
        {
            foreach (var other in StoreProviderSupport.OtherMembers(activity))
            {
                var member = new NpgsqlBatchCommand("INSERT INTO community_event_members (community, member, activity_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;");
                member.Parameters.AddWithValue(r.Community);
                member.Parameters.AddWithValue(other.Value);
                member.Parameters.AddWithValue(r.ActivityId);
                batch.BatchCommands.Add(member);
            }
        }

        /// <summary>Adds the inserts of committed activities, their member index rows and outbox rows to a batch.</summary>
        private static void AddInserts(NpgsqlBatch batch, List<(CommittedActivity Activity, ActivityRecord Record)> records)
        {
            foreach (var (activity, r) in records)
            {
                var insert = new NpgsqlBatchCommand($"INSERT INTO community_activities ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);");
                insert.Parameters.AddWithValue(r.Community);
                insert.Parameters.AddWithValue(r.ActivityId);
                insert.Parameters.AddWithValue(r.IdempotencyKey);
                insert.Parameters.AddWithValue(r.Member);
                insert.Parameters.AddWithValue(r.Type);
                insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)r.OccurredAt ?? DBNull.Value);
                insert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)r.Value ?? DBNull.Value);
                insert.Parameters.AddWithValue(r.Attributes);
                insert.Parameters.AddWithValue(r.RecordedAt);
                insert.Parameters.AddWithValue(r.Fingerprint);
                insert.Parameters.AddWithValue(r.Events);
                batch.BatchCommands.Add(insert);
                AddEventMembers(batch, activity, r);

                if (activity.Events.Count > 0)
                {
                    var outbox = new NpgsqlBatchCommand("INSERT INTO community_outbox (community, activity_id) VALUES ($1, $2);"); // the events stay in the log row
                    outbox.Parameters.AddWithValue(r.Community);
                    outbox.Parameters.AddWithValue(r.ActivityId);
                    batch.BatchCommands.Add(outbox);
                }
            }
        }

        /// <summary>Adds in-place rewrites of log rows to a batch.</summary>
        private static void AddUpdates(NpgsqlBatch batch, IEnumerable<ActivityRecord> records)
        {
            foreach (var r in records)
            {
                var update = new NpgsqlBatchCommand("UPDATE community_activities SET idempotency_key = $1, member = $2, attributes = $3, fingerprint = $4, events = $5 WHERE community = $6 AND activity_id = $7;");
                update.Parameters.AddWithValue(r.IdempotencyKey);
                update.Parameters.AddWithValue(r.Member);
                update.Parameters.AddWithValue(r.Attributes);
                update.Parameters.AddWithValue(r.Fingerprint);
                update.Parameters.AddWithValue(r.Events);
                update.Parameters.AddWithValue(r.Community);
                update.Parameters.AddWithValue(r.ActivityId);
                batch.BatchCommands.Add(update);
            }
        }

        public async ValueTask RewriteAsync(IReadOnlyList<CommittedActivity> rewritten, CancellationToken cancellationToken = default)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(rewritten);
                ObjectDisposedException.ThrowIf(_disposed, this);
                var transaction = await TransactionAsync(cancellationToken).ConfigureAwait(false);
                var records = rewritten.Select(store._serializer.ToRecord).ToList();
                cancellationToken.ThrowIfCancellationRequested();
                await ExecuteAndCommitAsync(transaction, batch => AddUpdates(batch, records)).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
            {
                throw PostgreSqlErrors.Unavailable(ex);
            }
        }

        public async ValueTask EraseAsync(MemberErasureWrite erasure, CancellationToken cancellationToken = default)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(erasure);
                ObjectDisposedException.ThrowIf(_disposed, this);
                var transaction = await TransactionAsync(cancellationToken).ConfigureAwait(false);
                StoreProviderSupport.CheckBatch(community, LastActivityId, [erasure.Erasure]);
                var rewritten = erasure.Rewritten.Select(a => (Activity: a, Record: store._serializer.ToRecord(a))).ToList();
                List<(CommittedActivity Activity, ActivityRecord Record)> records = [(erasure.Erasure, store._serializer.ToRecord(erasure.Erasure))];
                cancellationToken.ThrowIfCancellationRequested();

                // One transaction, one round trip: the rewritten rows, the member index, snapshots, outbox errors, the erasure.
                await ExecuteAndCommitAsync(transaction, batch =>
                {
                    AddUpdates(batch, rewritten.Select(r => r.Record));
                    foreach (var sql in EraseSql)
                    {
                        var command = new NpgsqlBatchCommand(sql);
                        command.Parameters.AddWithValue(community.Value);
                        command.Parameters.AddWithValue(erasure.Member.Value);
                        batch.BatchCommands.Add(command);
                    }

                    foreach (var (activity, r) in rewritten)
                    {
                        AddEventMembers(batch, activity, r);
                    }

                    AddInserts(batch, records);
                }).ConfigureAwait(false);
                LastActivityId = erasure.Erasure.ActivityId;
            }
            catch (Exception ex) when (PostgreSqlErrors.IsTransient(ex))
            {
                throw PostgreSqlErrors.Unavailable(ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await RollbackAsync().ConfigureAwait(false);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async ValueTask RollbackAsync()
        {
            if (_transaction is { } t)
            {
                _transaction = null;
                await using (t.ConfigureAwait(false))
                {
                    try
                    {
                        await t.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException)
                    {
                        // Already completed (a failed commit ends the transaction); nothing to undo.
                    }
                }
            }
        }
    }
}
