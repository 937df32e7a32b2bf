using CommunitySdk;
using CommunitySdk.Storage;
using CommunitySdk.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        builder.Services.Configure<SqliteStoreOptions>(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        return builder.UseSqliteCore();
    }

    /// <summary>
    /// Stores the community log in SQLite with <see cref="SqliteStoreOptions"/> bound from configuration (conventionally
    /// <c>Community:Sqlite</c>, <see cref="SqliteStoreOptions.SectionName"/>). A key the options do not have, or a missing
    /// connection string, fails the host at start.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UseSqlite(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<SqliteStoreOptions>(configuration);
        builder.Services.AddOptions<SqliteStoreOptions>().ValidateConfigurationKeys(configuration);
        return builder.UseSqliteCore();
    }

    private static ICommunitySdkBuilder UseSqliteCore(this ICommunitySdkBuilder builder)
    {
        builder.Services.AddOptions<SqliteStoreOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        return builder.UseStore(sp => new SqliteCommunityStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, sp.GetRequiredService<CommunityEventSerializer>()));
    }
}
