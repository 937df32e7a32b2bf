using Microsoft.Data.Sqlite;

namespace CommunitySdk.Storage.Sqlite;

/// <summary>Which SQLite failures are transient: they reach callers as <see cref="CommunityStoreUnavailableException"/>.</summary>
internal static class SqliteErrors
{
    /// <summary>
    /// The file is busy or locked beyond the busy timeout (another process writes), an I/O error, a full disk, or a
    /// file that cannot be opened: conditions that pass without changing the request.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 or 15 }; // BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL

    public static CommunityStoreUnavailableException Unavailable(Exception exception) => new("SQLite", exception);
}
