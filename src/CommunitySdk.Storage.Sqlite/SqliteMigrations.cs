using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CommunitySdk.Storage.Sqlite;

/// <summary>
/// The SQLite schema's versioned migrations: forward-only scripts applied in order, each once, recorded in
/// <c>communitysdk_schema_versions</c>. Applying is idempotent and safe when two processes start at once
/// (the whole check-and-apply runs under SQLite's write lock).
/// </summary>
public static class SqliteMigrations
{
    /// <summary>The schema version this package needs.</summary>
    public static int LatestVersion => Scripts.Count;

    /// <summary>The scripts, oldest first: version, name and SQL (also shipped in the package's <c>sql/sqlite</c> folder).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = StoreProviderSupport.LoadMigrationScripts(typeof(SqliteMigrations).Assembly);

    /// <summary>Applies the missing migrations and switches the file to WAL mode.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The migrations applied now (none when the schema was current).</returns>
    public static async Task<IReadOnlyList<int>> ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false); // BEGIN IMMEDIATE
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS communitysdk_schema_versions (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);", cancellationToken).ConfigureAwait(false);
            var current = await GetVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var applied = new List<int>();
            foreach (var (version, name, sql) in Scripts.Where(s => s.Version > current))
            {
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO communitysdk_schema_versions (version, name, applied_at) VALUES ($v, $n, strftime('%Y-%m-%dT%H:%M:%fZ','now'));";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                applied.Add(version);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return applied;
        }
    }

    /// <summary>The schema version of a database (0 when it has none).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The version.</returns>
    public static Task<int> GetVersionAsync(SqliteConnection connection, CancellationToken cancellationToken = default) =>
        GetVersionAsync(connection, null, cancellationToken);

    private static async Task<int> GetVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'communitysdk_schema_versions';";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM communitysdk_schema_versions;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
