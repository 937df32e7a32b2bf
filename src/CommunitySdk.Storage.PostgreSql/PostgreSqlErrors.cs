using System.Net.Sockets;
using Npgsql;

namespace CommunitySdk.Storage.PostgreSql;

/// <summary>Which PostgreSQL failures are transient: they reach callers as <see cref="CommunityStoreUnavailableException"/>.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>
    /// A lost or refused connection, a server shutting down or starting (57P01–57P03), a connection exception (08xxx),
    /// too many connections (53300), a timeout, or any failure Npgsql itself calls transient.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        TimeoutException or SocketException => true,
        _ => false,
    };

    public static CommunityStoreUnavailableException Unavailable(Exception exception) => new("PostgreSQL", exception);
}
