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

    /// <inheritdoc />
    public async ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        StoreProviderSupport.RequireCommunity(community);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await LastIdAsync(connection, null, community, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        StoreProviderSupport.RequireCommunity(community);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, null, community, idempotencyKey, cancellationToken).ConfigureAwait(false);
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

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StoreProviderSupport.RequireCommunity(snapshot.Community);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var insert = new NpgsqlBatchCommand("INSERT INTO community_snapshots (community, position, taken_at, data) VALUES ($1, $2, $3, $4) ON CONFLICT (community, position) DO UPDATE SET taken_at = EXCLUDED.taken_at, data = EXCLUDED.data;");
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

    /// <inheritdoc />
    public async ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default)
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

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT id, payload, attempts FROM community_outbox ORDER BY id LIMIT $1;", connection);
        command.Parameters.AddWithValue(max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreProviderSupport.ReadOutboxAsync(reader, _serializer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask MarkDeliveredAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken = default) =>
        UpdateOutboxAsync(entryIds, "DELETE FROM community_outbox WHERE id = ANY($1);", cancellationToken);

    /// <inheritdoc />
    public ValueTask MarkFailedAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken = default) =>
        UpdateOutboxAsync(entryIds, "UPDATE community_outbox SET attempts = attempts + 1 WHERE id = ANY($1);", cancellationToken);

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

    private async ValueTask UpdateOutboxAsync(IReadOnlyCollection<long> entryIds, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        if (entryIds.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(entryIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM community_activities WHERE community = $1 AND activity_id > $2 ORDER BY activity_id LIMIT $3;", connection);
        command.Parameters.AddWithValue(community.Value);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(chunk);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreProviderSupport.ReadActivitiesAsync(reader, _serializer, new List<CommittedActivity>(chunk), cancellationToken).ConfigureAwait(false);
    }


    private sealed class Session(PostgreSqlCommunityStore store, NpgsqlConnection connection, CommunityId community) : ICommunityWriteSession
    {
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
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentNullException.ThrowIfNull(idempotencyKey);
            if (_transaction is null)
            {
                await BeginAsync(cancellationToken).ConfigureAwait(false);
            }

            return await store.FindAsync(connection, _transaction, community, idempotencyKey, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(activity);
            return CommitManyAsync([activity], cancellationToken);
        }

        public async ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(activities);
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_transaction is null)
            {
                await BeginAsync(cancellationToken).ConfigureAwait(false);
            }

            StoreProviderSupport.CheckBatch(community, LastActivityId, activities);
            var records = activities.Select(a => (Activity: a, Record: store._serializer.ToRecord(a))).ToList(); // before any write: an unregistered event type changes nothing

            cancellationToken.ThrowIfCancellationRequested();
            var transaction = _transaction!;
            try
            {
                // One round trip for the whole unit of work: the activities and their outbox entries.
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
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
                        foreach (var other in StoreProviderSupport.OtherMembers(activity))
                        {
                            var member = new NpgsqlBatchCommand("INSERT INTO community_event_members (community, member, activity_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;");
                            member.Parameters.AddWithValue(r.Community);
                            member.Parameters.AddWithValue(other.Value);
                            member.Parameters.AddWithValue(r.ActivityId);
                            batch.BatchCommands.Add(member);
                        }

                        foreach (var e in activity.Events)
                        {
                            var outbox = new NpgsqlBatchCommand("INSERT INTO community_outbox (community, activity_id, event_index, payload) VALUES ($1, $2, $3, $4);");
                            outbox.Parameters.AddWithValue(r.Community);
                            outbox.Parameters.AddWithValue(r.ActivityId);
                            outbox.Parameters.AddWithValue(e.Index);
                            outbox.Parameters.AddWithValue(store._serializer.SerializeEvent(e));
                            batch.BatchCommands.Add(outbox);
                        }
                    }

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
            _transaction = null; // the advisory lock went with the transaction
            if (records.Count > 0)
            {
                LastActivityId = records[^1].Activity.ActivityId;
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
