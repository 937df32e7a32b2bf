using CommunitySdk;
using CommunitySdk.Storage;
using CommunitySdk.Storage.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        builder.Services.Configure<PostgreSqlStoreOptions>(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        return builder.UsePostgreSqlCore();
    }

    /// <summary>
    /// Stores the community log in PostgreSQL with <see cref="PostgreSqlStoreOptions"/> bound from configuration
    /// (conventionally <c>Community:PostgreSql</c>, <see cref="PostgreSqlStoreOptions.SectionName"/>). A key the options
    /// do not have, or a missing connection string, fails the host at start.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder UsePostgreSql(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<PostgreSqlStoreOptions>(configuration);
        builder.Services.AddOptions<PostgreSqlStoreOptions>().ValidateConfigurationKeys(configuration);
        return builder.UsePostgreSqlCore();
    }

    private static ICommunitySdkBuilder UsePostgreSqlCore(this ICommunitySdkBuilder builder)
    {
        builder.Services.AddOptions<PostgreSqlStoreOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        return builder.UseStore(sp => new PostgreSqlCommunityStore(sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, sp.GetRequiredService<CommunityEventSerializer>()));
    }
}
