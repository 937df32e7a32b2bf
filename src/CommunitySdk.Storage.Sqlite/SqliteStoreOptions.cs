namespace CommunitySdk.Storage.Sqlite;

/// <summary>How SQLite makes a commit durable (<c>PRAGMA synchronous</c>).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>NORMAL</c> in WAL mode (default): a commit survives the process crashing or being killed; a power
    /// loss or OS crash may roll back the last commits (never corrupts).
    /// </summary>
    Normal,

    /// <summary><c>FULL</c>: every commit is synced to disk before it returns; survives power loss, slower.</summary>
    Full,
}

/// <summary>SQLite store settings.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The conventional configuration section: <c>Community:Sqlite</c>.</summary>
    public const string SectionName = "Community:Sqlite";

    /// <summary>The connection string, for example <c>Data Source=community.db</c>. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Create and migrate the schema on first use. Default true; turn off when the host runs the SQL scripts itself.</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>How durable a commit is. Default <see cref="SqliteDurability.Normal"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Normal;

    /// <summary>How long a writer waits for another process holding the file's write lock, 0 to 1 hour. Default 30 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks <see cref="SqliteStoreOptions"/> at start, without reflection.</summary>
internal sealed class SqliteStoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SqliteStoreOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("SqliteStoreOptions.ConnectionString is required, for example 'Data Source=community.db'.");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"SqliteStoreOptions.BusyTimeout must be between 0 and 1 hour (was {options.BusyTimeout}).");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"SqliteStoreOptions.Durability must be Normal or Full (was {options.Durability}).");
        }

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
