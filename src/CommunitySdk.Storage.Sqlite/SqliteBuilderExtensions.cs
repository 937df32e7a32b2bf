using CommunitySdk.Storage;
using CommunitySdk.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using CommunitySdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite store.</summary>
public static class SqliteBuilderExtensions
{
    /// <summary>Stores the community log in SQLite (WAL mode), creating and migrating the schema on first use.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="connectionString">For example <c>Data Source=community.db</c> (a file next to the app).</param>
    /// <param name="configure">Sets the other options.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseSqlite(this ICommunitySdkBuilder builder, string connectionString, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new SqliteStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        if (options.BusyTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.BusyTimeout, "BusyTimeout must not be negative.");
        }

        return builder.UseStore(sp => new SqliteCommunityStore(options, sp.GetRequiredService<CommunityEventSerializer>()));
    }
}
