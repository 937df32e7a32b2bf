using CommunitySdk.Storage;
using CommunitySdk.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using CommunitySdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgreSqlBuilderExtensions
{
    /// <summary>Stores the community log in PostgreSQL, shared by every app instance; migrates the schema on first use.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Sets the other options.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UsePostgreSql(this ICommunitySdkBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return builder.UseStore(sp => new PostgreSqlCommunityStore(options, sp.GetRequiredService<CommunityEventSerializer>()));
    }
}
