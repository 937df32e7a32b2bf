using System.ComponentModel.DataAnnotations;

namespace CommunitySdk.Storage.PostgreSql;

/// <summary>PostgreSQL store settings.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The conventional configuration section: <c>Community:PostgreSql</c>.</summary>
    public const string SectionName = "Community:PostgreSql";

    /// <summary>The Npgsql connection string. Required.</summary>
    [Required(ErrorMessage = "PostgreSqlStoreOptions.ConnectionString is required.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Create and migrate the schema on first use. Default true; turn off when the host runs the SQL scripts itself.</summary>
    public bool AutoMigrate { get; set; } = true;
}
