namespace CommunitySdk.Storage.PostgreSql;

/// <summary>PostgreSQL store settings.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The conventional configuration section: <c>Community:PostgreSql</c>.</summary>
    public const string SectionName = "Community:PostgreSql";

    /// <summary>The Npgsql connection string. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Create and migrate the schema on first use. Default true; turn off when the host runs the SQL scripts itself.</summary>
    public bool AutoMigrate { get; set; } = true;
}

/// <summary>Checks <see cref="PostgreSqlStoreOptions"/> at start, without reflection.</summary>
internal sealed class PostgreSqlStoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<PostgreSqlStoreOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail("PostgreSqlStoreOptions.ConnectionString is required.")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
