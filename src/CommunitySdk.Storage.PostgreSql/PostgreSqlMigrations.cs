using System.Globalization;
using Npgsql;

namespace CommunitySdk.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL schema's versioned migrations: forward-only scripts applied in order, each once, recorded in
/// <c>communitysdk_schema_versions</c>. Instances starting at once serialize on an advisory lock, so each
/// script runs exactly once.
/// </summary>
public static class PostgreSqlMigrations
{
    private const long MigrationLock = 0x436f6d6d53646b; // "CommSdk"

    /// <summary>The schema version this package needs.</summary>
    public static int LatestVersion => Scripts.Count;

    /// <summary>The scripts, oldest first (also shipped in the package's <c>sql/postgresql</c> folder).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = StoreProviderSupport.LoadMigrationScripts(typeof(PostgreSqlMigrations).Assembly);

    /// <summary>Applies the missing migrations.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The migrations applied now (none when the schema was current).</returns>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock});", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS communitysdk_schema_versions (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());", cancellationToken).ConfigureAwait(false);
            var current = await GetVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var applied = new List<int>();
            foreach (var (version, name, sql) in Scripts.Where(s => s.Version > current))
            {
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using var record = new NpgsqlCommand("INSERT INTO communitysdk_schema_versions (version, name) VALUES ($1, $2);", connection, transaction);
                record.Parameters.AddWithValue(version);
                record.Parameters.AddWithValue(name);
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
    public static Task<int> GetVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default) =>
        GetVersionAsync(connection, null, cancellationToken);

    private static async Task<int> GetVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('communitysdk_schema_versions') IS NOT NULL;", connection, transaction);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM communitysdk_schema_versions;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
