using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace CommunitySdk.Storage.Sqlite;

/// <summary>
/// The SQLite store. One writer connection serves every write session of this process (SQLite has one writer
/// per file anyway); a session holds the file's write lock (<c>BEGIN IMMEDIATE</c>) from open to commit, so
/// writers in other processes on the same file wait (<see cref="SqliteStoreOptions.BusyTimeout"/>) and the
/// activity ids stay gap-free. Reads use pooled connections and never block writers (WAL).
/// </summary>
public sealed class SqliteCommunityStore : ICommunityStore, ICommunitySnapshotStore, IAsyncDisposable, IDisposable
{
    private static readonly string[] ParameterNames = ["$c", "$id", "$k", "$m", "$t", "$o", "$v", "$a", "$r", "$f", "$e"];
    private const string LastIdSql = "SELECT COALESCE(MAX(activity_id), 0) FROM community_activities WHERE community = $c;";
    private const string FindSql = $"SELECT {Columns} FROM community_activities WHERE community = $c AND idempotency_key = $k;";
    private const string Columns = StoreProviderSupport.ActivityColumns;

    private readonly SqliteStoreOptions _options;
    private readonly CommunityEventSerializer _serializer;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _init = new(1, 1);
    private SqliteConnection? _writeConnection;
    private WriterCommands? _commands;
    private volatile bool _ready;
    private bool _disposed;

    /// <summary>Creates the store.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="serializer">The event serializer (registered by <c>AddCommunitySdk</c>).</param>
    public SqliteCommunityStore(SqliteStoreOptions options, CommunityEventSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("SqliteStoreOptions.ConnectionString is required.", nameof(options));
        }

        _options = options;
        _serializer = serializer;
        _connectionString = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
            Pooling = true,
        }.ToString();
    }

    /// <inheritdoc />
    public async ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var connection = _writeConnection!;
                var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the file's write lock
                var last = await _commands!.LastIdAsync(transaction, community, cancellationToken).ConfigureAwait(false);
                return new Session(this, connection, transaction, community, last);
            }
            catch
            {
                _writer.Release();
                throw;
            }
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await LastIdAsync(connection, community, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
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
            return await FindAsync(connection, community, idempotencyKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
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
            await using var command = connection.CreateCommand();
            // What the member did, and the activities whose events concern them (an inviter's reward on an invitee's order).
            command.CommandText = $"""
                SELECT {Columns} FROM community_activities WHERE community = $c AND activity_id IN (
                    SELECT activity_id FROM community_activities WHERE community = $c AND member = $m AND activity_id < $before
                    UNION
                    SELECT activity_id FROM community_event_members WHERE community = $c AND member = $m AND activity_id < $before
                    ORDER BY activity_id DESC LIMIT $n)
                ORDER BY activity_id DESC;
                """;
            command.Parameters.AddWithValue("$c", community.Value);
            command.Parameters.AddWithValue("$m", member.Value);
            command.Parameters.AddWithValue("$before", page.Before ?? long.MaxValue);
            command.Parameters.AddWithValue("$n", page.PageSize + 1);
            var items = new List<CommittedActivity>(page.PageSize + 1);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await StoreProviderSupport.ReadActivitiesAsync(reader, _serializer, items, cancellationToken).ConfigureAwait(false);
            }

            return StoreProviderSupport.ToPage(items, page);
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default) =>
        ReadOutboxAsync("o.dead = 0 AND o.next_attempt_at <= $due", max, dueBy.ToUnixTimeMilliseconds(), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default) =>
        ReadOutboxAsync("o.dead = 1", max, 0, cancellationToken);

    /// <inheritdoc />
    public async ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await UpdateOutboxAsync(entries, "DELETE FROM community_outbox WHERE community = $c AND activity_id = $a;", static (_, _) => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failures);
        await UpdateOutboxAsync(
            failures.Select(f => (f.Key, f)).ToList(),
            "UPDATE community_outbox SET attempts = attempts + 1, next_attempt_at = $next, acknowledged = $ack, dead = $dead, last_error = $error WHERE community = $c AND activity_id = $a;",
            static (command, f) =>
            {
                command.Parameters["$next"].Value = f.NextAttemptAt.ToUnixTimeMilliseconds();
                command.Parameters["$ack"].Value = (object?)StoreProviderSupport.JoinAcknowledgements(f.Acknowledged) ?? DBNull.Value;
                command.Parameters["$dead"].Value = f.DeadLetter ? 1 : 0;
                command.Parameters["$error"].Value = f.Error;
            },
            cancellationToken,
            "$next", "$ack", "$dead", "$error").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return await UpdateOutboxAsync(entries, "UPDATE community_outbox SET dead = 0, attempts = 0, next_attempt_at = 0 WHERE community = $c AND activity_id = $a AND dead = 1;", static (_, _) => { }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(snapshot);
            StoreProviderSupport.RequireCommunity(snapshot.Community);
            await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // One transaction: the new snapshot and the trim to the newest two commit together, or neither does. A
                // snapshot taken before an erasure (by any process) is not saved: it may hold the erased member's id.
                await using var transaction = (SqliteTransaction)await _writeConnection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var command = _writeConnection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT OR REPLACE INTO community_snapshots (community, position, taken_at, data)
                    SELECT $c, $p, $t, $d WHERE NOT EXISTS
                        (SELECT 1 FROM community_activities WHERE community = $c AND activity_id > $p AND type = 'member.erase');
                    DELETE FROM community_snapshots WHERE community = $c AND position NOT IN
                        (SELECT position FROM community_snapshots WHERE community = $c ORDER BY position DESC LIMIT 2);
                    """;
                command.Parameters.AddWithValue("$c", snapshot.Community.Value);
                command.Parameters.AddWithValue("$p", snapshot.Position);
                command.Parameters.AddWithValue("$t", snapshot.TakenAt.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.Add("$d", SqliteType.Blob).Value = snapshot.Data;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _writer.Release();
            }
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        try
        {
            StoreProviderSupport.RequireCommunity(community);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT position, taken_at, data FROM community_snapshots WHERE community = $c ORDER BY position DESC LIMIT 1;";
            command.Parameters.AddWithValue("$c", community.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new CommunitySnapshot(community, reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), (byte[])reader.GetValue(2))
                : null;
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _commands?.Dispose();
        if (_writeConnection is not null)
        {
            await _writeConnection.DisposeAsync().ConfigureAwait(false);
        }

        _writer.Dispose();
        _init.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string where, int max, long due, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {StoreProviderSupport.OutboxColumns}
                FROM community_outbox o JOIN community_activities a ON a.community = o.community AND a.activity_id = o.activity_id
                WHERE {where} ORDER BY o.community, o.activity_id LIMIT $n;
                """;
            command.Parameters.AddWithValue("$n", max);
            command.Parameters.AddWithValue("$due", due);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await StoreProviderSupport.ReadOutboxAsync(reader, _serializer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    private ValueTask<int> UpdateOutboxAsync(IReadOnlyCollection<OutboxKey> entries, string sql, Action<SqliteCommand, OutboxKey> bind, CancellationToken cancellationToken) =>
        UpdateOutboxAsync(entries.Select(k => (k, k)).ToList(), sql, bind, cancellationToken);

    private async ValueTask<int> UpdateOutboxAsync<T>(List<(OutboxKey Key, T Item)> entries, string sql, Action<SqliteCommand, T> bind, CancellationToken cancellationToken, params string[] parameters)
    {
        try
        {
            if (entries.Count == 0)
            {
                return 0;
            }

            await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var transaction = (SqliteTransaction)await _writeConnection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var command = _writeConnection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                var community = command.Parameters.Add("$c", SqliteType.Text);
                var activity = command.Parameters.Add("$a", SqliteType.Integer);
                foreach (var name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                var changed = 0;
                foreach (var (key, item) in entries)
                {
                    community.Value = key.Community.Value;
                    activity.Value = key.ActivityId;
                    bind(command, item);
                    changed += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return changed;
            }
            finally
            {
                _writer.Release();
            }
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }

    private async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ready)
        {
            return;
        }

        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_options.AutoMigrate)
                {
                    await SqliteMigrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                else if (await SqliteMigrations.GetVersionAsync(connection, cancellationToken).ConfigureAwait(false) is var version && version < SqliteMigrations.LatestVersion)
                {
                    throw new InvalidOperationException(
                        $"The SQLite database is at schema version {version}; this version of CommunitySdk needs {SqliteMigrations.LatestVersion}. " +
                        "Apply the scripts in the package's sql/sqlite folder (or SqliteMigrations.ApplyAsync), or set AutoMigrate = true.");
                }
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA synchronous = {(_options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL")};";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            _writeConnection = connection;
            _commands = new WriterCommands(connection);
            _ready = true;
        }
        finally
        {
            _init.Release();
        }
    }

    /// <summary>A pooled connection for reading, once the schema is known to be there.</summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await ConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false); // busy waits follow Default Timeout
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<long> LastIdAsync(SqliteConnection connection, CommunityId community, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = LastIdSql;
        command.Parameters.AddWithValue("$c", community.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<CommittedActivity?> FindAsync(SqliteConnection connection, CommunityId community, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = FindSql;
        command.Parameters.AddWithValue("$c", community.Value);
        command.Parameters.AddWithValue("$k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await StoreProviderSupport.ReadActivityAsync(reader, _serializer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The writer connection's statements, prepared once and reused by every session.</summary>
    private sealed class WriterCommands : IDisposable
    {
        private readonly SqliteCommand _lastId;
        private readonly SqliteCommand _find;

        public WriterCommands(SqliteConnection connection)
        {
            _lastId = connection.CreateCommand();
            _lastId.CommandText = LastIdSql;
            _lastId.Parameters.Add("$c", SqliteType.Text);
            _find = connection.CreateCommand();
            _find.CommandText = FindSql;
            _find.Parameters.Add("$c", SqliteType.Text);
            _find.Parameters.Add("$k", SqliteType.Text);
            Insert = connection.CreateCommand();
            Insert.CommandText = $"INSERT INTO community_activities ({Columns}) VALUES ($c, $id, $k, $m, $t, $o, $v, $a, $r, $f, $e);";
            InsertParameters = ParameterNames.Select(n => Insert.Parameters.Add(n, n == "$id" ? SqliteType.Integer : SqliteType.Text)).ToArray();
            EventMember = connection.CreateCommand();
            EventMember.CommandText = "INSERT OR IGNORE INTO community_event_members (community, member, activity_id) VALUES ($c, $m, $id);";
            EventMemberParameters = (EventMember.Parameters.Add("$c", SqliteType.Text), EventMember.Parameters.Add("$m", SqliteType.Text), EventMember.Parameters.Add("$id", SqliteType.Integer));
            Outbox = connection.CreateCommand();
            Outbox.CommandText = "INSERT INTO community_outbox (community, activity_id) VALUES ($c, $id);"; // the events stay in the log row
            OutboxParameters = (Outbox.Parameters.Add("$c", SqliteType.Text), Outbox.Parameters.Add("$id", SqliteType.Integer));
        }

        public SqliteCommand Insert { get; }

        public SqliteParameter[] InsertParameters { get; }

        public SqliteCommand Outbox { get; }

        public SqliteCommand EventMember { get; }

        public (SqliteParameter Community, SqliteParameter Member, SqliteParameter ActivityId) EventMemberParameters { get; }

        public (SqliteParameter Community, SqliteParameter ActivityId) OutboxParameters { get; }

        public async Task<long> LastIdAsync(SqliteTransaction transaction, CommunityId community, CancellationToken cancellationToken)
        {
            _lastId.Transaction = transaction;
            _lastId.Parameters[0].Value = community.Value;
            return (long)(await _lastId.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        public async Task<CommittedActivity?> FindAsync(SqliteCommunityStore store, SqliteTransaction transaction, CommunityId community, string key, CancellationToken cancellationToken)
        {
            _find.Transaction = transaction;
            _find.Parameters[0].Value = community.Value;
            _find.Parameters[1].Value = key;
            await using var reader = await _find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await StoreProviderSupport.ReadActivityAsync(reader, store._serializer, cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            _lastId.Dispose();
            _find.Dispose();
            Insert.Dispose();
            Outbox.Dispose();
            EventMember.Dispose();
        }
    }

    private async Task<List<CommittedActivity>> ReadChunkAsync(CommunityId community, long after, int chunk, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM community_activities WHERE community = $c AND activity_id > $after ORDER BY activity_id LIMIT $n;";
            command.Parameters.AddWithValue("$c", community.Value);
            command.Parameters.AddWithValue("$after", after);
            command.Parameters.AddWithValue("$n", chunk);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await StoreProviderSupport.ReadActivitiesAsync(reader, _serializer, new List<CommittedActivity>(chunk), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteErrors.IsTransient(ex))
        {
            throw SqliteErrors.Unavailable(ex);
        }
    }


    private sealed class Session(SqliteCommunityStore store, SqliteConnection connection, SqliteTransaction transaction, CommunityId community, long last) : ICommunityWriteSession, ICommunityRewriteSession
    {
        private static readonly string[] UpdateParameterNames = ["$k", "$m", "$a", "$f", "$e", "$c"];
        private SqliteTransaction? _transaction = transaction;
        private bool _disposed;

        public CommunityId Community => community;

        public long LastActivityId { get; private set; } = last;

        public async ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default)
        {
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                ArgumentNullException.ThrowIfNull(idempotencyKey);
                var transaction = await TransactionAsync(cancellationToken).ConfigureAwait(false);
                return await store._commands!.FindAsync(store, transaction, community, idempotencyKey, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (SqliteErrors.IsTransient(ex))
            {
                throw SqliteErrors.Unavailable(ex);
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
                await CommitAsync(transaction, () => InsertAsync(transaction, records)).ConfigureAwait(false);
                if (records.Count > 0)
                {
                    LastActivityId = records[^1].Activity.ActivityId;
                }
            }
            catch (Exception ex) when (SqliteErrors.IsTransient(ex))
            {
                throw SqliteErrors.Unavailable(ex);
            }
        }

        /// <summary>Writes in the transaction and commits, or rolls back; a new transaction opens on the next use.</summary>
        private async Task CommitAsync(SqliteTransaction transaction, Func<Task> write)
        {
            try
            {
                await write().ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: a key is already committed
            {
                await RollbackAsync().ConfigureAwait(false);
                throw new InvalidOperationException("An idempotency key in the batch is already committed; nothing was written.", ex);
            }
            catch
            {
                await RollbackAsync().ConfigureAwait(false);
                throw;
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        /// <summary>Indexes an activity under every member its events concern besides its own, in the open transaction.</summary>
        private async Task IndexEventMembersAsync(SqliteTransaction transaction, CommittedActivity activity, ActivityRecord r)
        {
            var commands = store._commands!;
            var eventMember = commands.EventMember;
            eventMember.Transaction = transaction;
            foreach (var other in StoreProviderSupport.OtherMembers(activity))
            {
                var (ec, em, eid) = commands.EventMemberParameters;
                (ec.Value, em.Value, eid.Value) = (r.Community, other.Value, r.ActivityId);
                await eventMember.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        /// <summary>Inserts committed activities, their member index rows and outbox rows, in the open transaction.</summary>
        private async Task InsertAsync(SqliteTransaction transaction, List<(CommittedActivity Activity, ActivityRecord Record)> records)
        {
            var commands = store._commands!;
            var insert = commands.Insert;
            insert.Transaction = transaction;
            var p = commands.InsertParameters;
            var outbox = commands.Outbox;
            outbox.Transaction = transaction;
            var (oc, oid) = commands.OutboxParameters;
            foreach (var (activity, r) in records)
            {
                object?[] values = [r.Community, r.ActivityId, r.IdempotencyKey, r.Member, r.Type, r.OccurredAt, r.Value, r.Attributes, r.RecordedAt, r.Fingerprint, r.Events];
                for (var i = 0; i < values.Length; i++)
                {
                    p[i].Value = values[i] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                await IndexEventMembersAsync(transaction, activity, r).ConfigureAwait(false);

                if (activity.Events.Count > 0)
                {
                    oc.Value = r.Community;
                    oid.Value = r.ActivityId;
                    await outbox.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Rewrites log rows in place, in the open transaction, with secure deletion on (freed space is overwritten with zeros).</summary>
        private async Task UpdateRowsAsync(SqliteTransaction transaction, IEnumerable<ActivityRecord> records)
        {
            await using (var pragma = connection.CreateCommand())
            {
                pragma.Transaction = transaction;
                pragma.CommandText = "PRAGMA secure_delete = ON;";
                await pragma.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE community_activities SET idempotency_key = $k, member = $m, attributes = $a, fingerprint = $f, events = $e WHERE community = $c AND activity_id = $id;";
            var parameters = UpdateParameterNames.Select(n => update.Parameters.Add(n, SqliteType.Text)).ToArray();
            var id = update.Parameters.Add("$id", SqliteType.Integer);
            foreach (var r in records)
            {
                (parameters[0].Value, parameters[1].Value, parameters[2].Value, parameters[3].Value, parameters[4].Value, parameters[5].Value, id.Value) =
                    (r.IdempotencyKey, r.Member, r.Attributes, r.Fingerprint, r.Events, r.Community, r.ActivityId);
                await update.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
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
                await CommitAsync(transaction, () => UpdateRowsAsync(transaction, records)).ConfigureAwait(false);

                // The write-ahead log holds the rows as they were until it is folded into the file and truncated.
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await checkpoint.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (SqliteErrors.IsTransient(ex))
            {
                throw SqliteErrors.Unavailable(ex);
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
                await CommitAsync(transaction, async () =>
                {
                    await UpdateRowsAsync(transaction, rewritten.Select(r => r.Record)).ConfigureAwait(false);

                    await using (var cleanup = connection.CreateCommand())
                    {
                        cleanup.Transaction = transaction;
                        cleanup.CommandText = """
                            DELETE FROM community_event_members WHERE community = $c AND member = $old;
                            DELETE FROM community_snapshots WHERE community = $c;
                            UPDATE community_outbox SET last_error = NULL WHERE community = $c AND instr(last_error, $old) > 0;
                            """;
                        cleanup.Parameters.AddWithValue("$c", community.Value);
                        cleanup.Parameters.AddWithValue("$old", erasure.Member.Value);
                        await cleanup.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }

                    foreach (var (activity, r) in rewritten)
                    {
                        await IndexEventMembersAsync(transaction, activity, r).ConfigureAwait(false);
                    }

                    await InsertAsync(transaction, records).ConfigureAwait(false);
                }).ConfigureAwait(false);
                LastActivityId = erasure.Erasure.ActivityId;

                // Pages written before secure_delete was on can still hold old copies of cells in their free space, and the
                // write-ahead log holds the pages as they were: rebuild the file (VACUUM, still under this session, so no
                // writer of this store waits on it twice) and truncate the log. It costs a rewrite of the file: erasures are rare.
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
                vacuum.CommandTimeout = 0;
                await vacuum.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (SqliteErrors.IsTransient(ex))
            {
                throw SqliteErrors.Unavailable(ex);
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
                store._writer.Release();
            }
        }

        /// <summary>The open transaction; after a commit, a new one (and the last id re-read: another process may have written).</summary>
        private async ValueTask<SqliteTransaction> TransactionAsync(CancellationToken cancellationToken)
        {
            if (_transaction is null)
            {
                _transaction = connection.BeginTransaction(deferred: false);
                LastActivityId = await store._commands!.LastIdAsync(_transaction, community, cancellationToken).ConfigureAwait(false);
            }

            return _transaction;
        }

        private async ValueTask RollbackAsync()
        {
            if (_transaction is { } t)
            {
                _transaction = null;
                await using (t.ConfigureAwait(false))
                {
                    await t.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }
}
