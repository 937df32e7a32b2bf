using CommunitySdk.Points;
using CommunitySdk.Storage.Sqlite;
using CommunitySdk.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage.Tests;

/// <summary>A fresh database file per test, in a temporary folder.</summary>
internal static class TempDb
{
    public static readonly string Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "communitysdk-sqlite-tests")).FullName;

    public static string NewConnectionString() => $"Data Source={Path.Combine(Folder, $"{Guid.NewGuid():N}.db")}";

    public static SqliteCommunityStore Open(string connectionString, bool autoMigrate = true) =>
        new(new SqliteStoreOptions { ConnectionString = connectionString, AutoMigrate = autoMigrate }, StoreConformanceBase.Serializer);
}

public sealed class SqliteLogConformance : StoreLogConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteSessionConformance : StoreSessionConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteOutboxConformance : StoreOutboxConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteConcurrencyConformance : StoreConcurrencyConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteDurabilityConformance : StoreDurabilityConformance
{
    private readonly string _connectionString = TempDb.NewConnectionString();

    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(_connectionString));

    protected override ValueTask<ICommunityStore> ReopenAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(_connectionString));
}

public sealed class SqliteSnapshotConformance : SnapshotConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteContestConformance : ContestConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(TempDb.NewConnectionString()));
}

public sealed class SqliteErasureConformance : ErasureConformance
{
    private readonly string _connectionString = TempDb.NewConnectionString();

    protected override ValueTask<ICommunityStore> CreateStoreAsync() => ValueTask.FromResult<ICommunityStore>(TempDb.Open(_connectionString));

    /// <summary>The database file and its write-ahead log, byte for byte, besides what the store's interfaces read.</summary>
    protected override async Task<string> RawStoredTextAsync(CommunityId community)
    {
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_connectionString).DataSource;
        var text = new System.Text.StringBuilder(await base.RawStoredTextAsync(community));
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            text.Append(System.Text.Encoding.UTF8.GetString(copy.ToArray()));
        }

        return text.ToString();
    }
}

public class SqliteProviderTests
{
    [Fact]
    public void Every_conformance_suite_is_run() => ConformanceSuites.AssertComplete(typeof(SqliteProviderTests).Assembly);

    [Fact]
    public async Task Two_instances_starting_at_once_migrate_once_and_the_file_is_in_wal_mode()
    {
        var cs = TempDb.NewConnectionString();
        var stores = Enumerable.Range(0, 4).Select(_ => TempDb.Open(cs)).ToArray();
        var c = new CommunityId("shop");
        await Task.WhenAll(stores.Select(s => s.GetLastActivityIdAsync(c).AsTask()));
        await using var connection = new SqliteConnection(cs);
        await connection.OpenAsync();
        Assert.Equal(SqliteMigrations.LatestVersion, await SqliteMigrations.GetVersionAsync(connection));
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM communitysdk_schema_versions; PRAGMA journal_mode;";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(SqliteMigrations.LatestVersion, reader.GetInt32(0));
            Assert.True(await reader.NextResultAsync() && await reader.ReadAsync());
            Assert.Equal("wal", reader.GetString(0));
        }

        Assert.Empty(await SqliteMigrations.ApplyAsync(connection)); // idempotent: nothing left to apply
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_auto_migrate_off_an_unmigrated_database_is_a_clear_error_until_the_scripts_run()
    {
        var cs = TempDb.NewConnectionString();
        await using (var store = TempDb.Open(cs, autoMigrate: false))
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.BeginWriteAsync(new CommunityId("shop")).AsTask());
            Assert.Contains("schema version 0", ex.Message, StringComparison.Ordinal);
            Assert.Contains("sql/sqlite", ex.Message, StringComparison.Ordinal);
        }

        // The host runs the shipped scripts itself (here through the same runner; the SQL is plain text).
        Assert.All(SqliteMigrations.Scripts, s => Assert.Contains("CREATE TABLE", s.Sql, StringComparison.Ordinal));
        await using (var connection = new SqliteConnection(cs))
        {
            await connection.OpenAsync();
            Assert.Equal(SqliteMigrations.Scripts.Select(s => s.Version), await SqliteMigrations.ApplyAsync(connection));
        }

        await using var ready = TempDb.Open(cs, autoMigrate: false);
        await using var session = await ready.BeginWriteAsync(new CommunityId("shop"));
        Assert.Equal(0, session.LastActivityId);
    }

    [Fact]
    public async Task A_database_with_history_on_schema_1_upgrades_and_keeps_every_members_history()
    {
        var cs = TempDb.NewConnectionString();
        await MigrationHarness.UpgradeFromSchema1Async(() => TempDb.Open(cs), async sql =>
        {
            await using var connection = new SqliteConnection(cs);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }, "CREATE TABLE community_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, community TEXT NOT NULL, activity_id INTEGER NOT NULL, event_index INTEGER NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);");
    }

    [Fact]
    public async Task A_file_locked_by_another_process_is_a_typed_transient_error_that_changes_nothing_and_passes()
    {
        var cs = TempDb.NewConnectionString();
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
            .UseSqlite(cs, o => o.BusyTimeout = TimeSpan.FromMilliseconds(100));
        await using var sp = services.BuildServiceProvider();
        var community = sp.GetRequiredService<ICommunity>();
        var shop = new CommunityId("shop");
        Activity Order(string key) => new() { IdempotencyKey = key, Community = shop, Member = new MemberId("ann"), Type = "order.completed", Value = 30 };
        await community.RecordAsync(Order("o1"));

        // Another process holds the file's write lock longer than the busy timeout.
        await using (var other = new SqliteConnection(cs))
        {
            await other.OpenAsync();
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN EXCLUSIVE;";
            await hold.ExecuteNonQueryAsync();

            var error = await Assert.ThrowsAsync<CommunityStoreUnavailableException>(() => community.RecordAsync(Order("o2")).AsTask());
            Assert.Equal("SQLite", error.Store);
            Assert.IsType<SqliteException>(error.InnerException);
            hold.CommandText = "ROLLBACK;";
            await hold.ExecuteNonQueryAsync();
        }

        // Nothing was written, and the same key records once the lock is gone (no restart).
        var store = sp.GetRequiredService<ICommunityStore>();
        Assert.Null(await store.FindAsync(shop, "o2"));
        var retried = await community.RecordAsync(Order("o2"));
        Assert.Equal(2, retried.ActivityId);
        Assert.Equal(60, (await sp.GetRequiredService<IPointsService>().GetBalanceAsync(shop, new MemberId("ann"), "coins")).Total);
    }

    [Fact]
    public async Task UseSqlite_stores_the_sdk_log_in_the_file()
    {
        var cs = TempDb.NewConnectionString();
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; }).AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1)).UseSqlite(cs);
        await using (var sp = services.BuildServiceProvider())
        {
            Assert.IsType<SqliteCommunityStore>(sp.GetRequiredService<ICommunityStore>());
            var outcome = await sp.GetRequiredService<ICommunity>().RecordAsync(new Activity { IdempotencyKey = "o1", Community = new CommunityId("shop"), Member = new MemberId("ann"), Type = "order.completed", Value = 30 });
            Assert.Contains(outcome.Effects, e => e is PointsAwarded { Amount: 30 });
        }

        await using var store = TempDb.Open(cs);
        var found = await store.FindAsync(new CommunityId("shop"), "o1");
        Assert.NotNull(found);
        Assert.Contains(found.Events, e => e is PointsAwarded { Amount: 30 });
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; }).UseSqlite(" "));
    }

    [Fact]
    public async Task A_process_killed_during_an_erasure_leaves_all_or_nothing_and_a_retry_completes_it()
    {
        var cs = TempDb.NewConnectionString();
        await CrashHarness.EraseAsync("sqlite", cs, b => b.UseSqlite(cs));
    }

    [Fact]
    public async Task A_process_killed_at_random_points_loses_no_committed_activity_and_ledgers_stay_whole()
    {
        var cs = TempDb.NewConnectionString();
        await CrashHarness.RunAsync("sqlite", cs, b => b.UseSqlite(cs), runs: 8);
    }
}

public class SqlitePublicApiTests
{
    [Fact]
    public void Sqlite_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(SqliteCommunityStore).Assembly));

    [Fact]
    public void Testing_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(ConformanceSuites).Assembly));
}
