namespace CommunitySdk.Storage.PostgreSql;

/// <summary>PostgreSQL store settings.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The Npgsql connection string. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Create and migrate the schema on first use. Default true; turn off when the host runs the SQL scripts itself.</summary>
    public bool AutoMigrate { get; set; } = true;
}
