using CommunitySdk.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>An event of a host's own reactor, as the storage page registers it.</summary>
public sealed record VoucherIssued(string Code) : CommunityEvent;

/// <summary>docs/storage.md.</summary>
public static class StorageSnippets
{
    public static void EventType(ICommunitySdkBuilder builder)
    {
        // begin-snippet: storage-event-type
        builder.AddEventType<VoucherIssued>("shop.voucher-issued");
        // end-snippet
    }

    public static void Snapshots(ICommunitySdkBuilder builder)
    {
        // begin-snippet: storage-snapshots
        builder.Services.Configure<CommunityOptions>(o =>
        {
            o.Snapshots.EveryActivities = 50_000;
            o.Snapshots.Interval = TimeSpan.FromMinutes(5);
        });
        // end-snippet
    }

    public static void Sqlite(ICommunitySdkBuilder builder)
    {
        // begin-snippet: storage-sqlite
        builder.UseSqlite("Data Source=community.db", o =>
        {
            o.Durability = SqliteDurability.Normal;   // default; Full syncs every commit to disk
            o.BusyTimeout = TimeSpan.FromSeconds(30);  // another process holding the write lock
            o.AutoMigrate = true;                      // default
        });
        // end-snippet
    }

    public static void PostgreSql(ICommunitySdkBuilder builder)
    {
        // begin-snippet: storage-postgresql
        builder.UsePostgreSql("Host=db;Database=shop;Username=app;Password=...");
        // end-snippet
    }
}
