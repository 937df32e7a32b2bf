using System.Collections.Concurrent;
using CommunitySdk.Points;
using CommunitySdk.Storage.PostgreSql;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunitySdk.Storage.Tests;

/// <summary>
/// The server comes from the test script (./eng/test.sh starts a throwaway PostgreSQL and exports
/// COMMUNITYSDK_POSTGRES). Each store gets a database of its own.
/// </summary>
internal static class PgDb
{
    public static string Server => Environment.GetEnvironmentVariable("COMMUNITYSDK_POSTGRES") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("COMMUNITYSDK_POSTGRES is not set: run the tests with ./eng/test.sh, which starts a throwaway PostgreSQL.");

    public static async Task<string> NewDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public static PostgreSqlCommunityStore Open(string connectionString, bool autoMigrate = true) =>
        new(new PostgreSqlStoreOptions { ConnectionString = connectionString, AutoMigrate = autoMigrate }, StoreConformanceBase.Serializer);

    public static async ValueTask<ICommunityStore> NewStoreAsync() => Open(await NewDatabaseAsync());
}

public sealed class PostgreSqlLogConformance : StoreLogConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlSessionConformance : StoreSessionConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlOutboxConformance : StoreOutboxConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlConcurrencyConformance : StoreConcurrencyConformance
{
    // Two writers per community: contention on each community, and the database's cores used.
    protected override int Communities => 4;

    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlSnapshotConformance : SnapshotConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlContestConformance : ContestConformance
{
    protected override ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.NewStoreAsync();
}

public sealed class PostgreSqlErasureConformance : ErasureConformance
{
    private string? _connectionString;

    protected override async ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.Open(_connectionString = await PgDb.NewDatabaseAsync());

    /// <summary>Every row of every table of the database, as text, besides what the store's interfaces read.</summary>
    protected override async Task<string> RawStoredTextAsync(CommunityId community)
    {
        var text = new System.Text.StringBuilder(await base.RawStoredTextAsync(community));
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new Npgsql.NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = current_schema();", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("community_activities", tables);
        foreach (var table in tables)
        {
            // Binary columns (snapshots) as their bytes decoded, the rest as the row's text.
            await using var rows = new Npgsql.NpgsqlCommand($"SELECT t::text FROM \"{table}\" t;", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        await using (var snapshots = new Npgsql.NpgsqlCommand("SELECT data FROM community_snapshots;", connection))
        await using (var reader = await snapshots.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                text.AppendLine(System.Text.Encoding.UTF8.GetString((byte[])reader[0]));
            }
        }

        return text.ToString();
    }
}

public sealed class PostgreSqlDurabilityConformance : StoreDurabilityConformance
{
    private string? _connectionString;

    protected override async ValueTask<ICommunityStore> CreateStoreAsync() => PgDb.Open(_connectionString = await PgDb.NewDatabaseAsync());

    protected override ValueTask<ICommunityStore> ReopenAsync() => ValueTask.FromResult<ICommunityStore>(PgDb.Open(_connectionString!));
}

public class PostgreSqlProviderTests
{
    [Fact]
    public void Every_conformance_suite_is_run() => ConformanceSuites.AssertComplete(typeof(PostgreSqlProviderTests).Assembly);

    [Fact]
    public async Task Connections_killed_by_the_server_during_load_are_typed_transient_errors_and_the_process_recovers()
    {
        var cs = await PgDb.NewDatabaseAsync();
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
            .UsePostgreSql(cs);
        await using var sp = services.BuildServiceProvider();
        var community = sp.GetRequiredService<ICommunity>();
        var shop = new CommunityId("shop");
        Activity Order(string key, int member) => new() { IdempotencyKey = key, Community = shop, Member = new MemberId($"m{member}"), Type = "order.completed", Value = 10 };
        await community.RecordAsync(Order("warm", 0));

        // Four writers record while the server terminates every connection of the database (as a restart does,
        // SQLSTATE 57P01) over and over, until the writers have felt it ten times; then the outage ends.
        var failures = new ConcurrentBag<Exception>();
        var recorded = new ConcurrentBag<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // fails the test rather than hang
        var killer = Task.Run(async () =>
        {
            var database = new NpgsqlConnectionStringBuilder(cs).Database;
            await using var admin = new NpgsqlConnection(PgDb.Server);
            await admin.OpenAsync();
            while (failures.Count < 10)
            {
                deadline.Token.ThrowIfCancellationRequested();
                await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid();", admin);
                kill.Parameters.AddWithValue(database!);
                await kill.ExecuteScalarAsync();
            }
        });
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !killer.IsCompleted; i++)
            {
                var key = $"w{w}-{i}";
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await community.RecordAsync(Order(key, w));
                        recorded.Add(key);
                        break;
                    }
                    catch (Exception ex) when (attempt < 100)
                    {
                        failures.Add(ex); // retried with the same key, as the error says
                    }
                }
            }
        })).ToArray();
        await killer;
        await Task.WhenAll(writers);

        Assert.NotEmpty(failures); // the outage was felt
        Assert.All(failures, f => Assert.IsType<CommunityStoreUnavailableException>(f)); // and only as typed errors

        // After the outage the same process records and reads, and every key is in the log once (retries with the
        // same key never double-count).
        var after = await community.RecordAsync(Order("after", 0));
        Assert.False(after.IsDuplicate);
        var store = sp.GetRequiredService<ICommunityStore>();
        var keys = new List<string>();
        await foreach (var a in store.ReadLogAsync(shop))
        {
            keys.Add(a.Activity.IdempotencyKey);
        }

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(recorded, k => Assert.Contains(k, keys));
        var balance = await sp.GetRequiredService<IPointsService>().GetBalanceAsync(shop, new MemberId("m1"), "coins");
        Assert.Equal(10 * keys.Count(k => k.StartsWith("w1-", StringComparison.Ordinal)), balance.Total);
    }

    [Fact]
    public async Task A_database_with_history_on_schema_1_upgrades_and_keeps_every_members_history()
    {
        var cs = await PgDb.NewDatabaseAsync();
        await MigrationHarness.UpgradeFromSchema1Async(() => PgDb.Open(cs), async sql =>
        {
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }, "CREATE TABLE community_outbox (id bigserial PRIMARY KEY, community text NOT NULL, activity_id bigint NOT NULL, event_index integer NOT NULL, payload text NOT NULL, attempts integer NOT NULL DEFAULT 0);");
    }

    [Fact]
    public async Task Instances_starting_at_once_migrate_once_and_opting_out_is_a_clear_error()
    {
        var cs = await PgDb.NewDatabaseAsync();
        await using (var off = PgDb.Open(cs, autoMigrate: false))
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => off.GetLastActivityIdAsync(new CommunityId("shop")).AsTask());
            Assert.Contains("sql/postgresql", ex.Message, StringComparison.Ordinal);
        }

        var stores = Enumerable.Range(0, 6).Select(_ => PgDb.Open(cs)).ToArray();
        await Task.WhenAll(stores.Select(s => s.GetLastActivityIdAsync(new CommunityId("shop")).AsTask()));
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        Assert.Equal(PostgreSqlMigrations.LatestVersion, await PostgreSqlMigrations.GetVersionAsync(connection));
        await using (var count = new NpgsqlCommand("SELECT COUNT(*) FROM communitysdk_schema_versions;", connection))
        {
            Assert.Equal((long)PostgreSqlMigrations.LatestVersion, await count.ExecuteScalarAsync());
        }

        Assert.Empty(await PostgreSqlMigrations.ApplyAsync(connection));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_app_instances_share_one_community_without_lost_updates_or_double_counting()
    {
        var cs = await PgDb.NewDatabaseAsync();
        ServiceProvider Instance()
        {
            var services = new ServiceCollection();
            services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
                .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
                .UsePostgreSql(cs);
            return services.BuildServiceProvider();
        }

        await using var a = Instance();
        await using var b = Instance();
        var shop = new CommunityId("shop");
        var outcomes = new ConcurrentBag<ActivityOutcome>();

        // Both instances record orders of the same few members; every key is sent to both (a load balancer retry).
        await Task.WhenAll(new[] { a, b }.SelectMany(sp => Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var community = sp.GetRequiredService<ICommunity>();
            for (var i = w; i < 300; i += 3)
            {
                outcomes.Add(await community.RecordAsync(new Activity { IdempotencyKey = $"o{i}", Community = shop, Member = new MemberId($"m{i % 4}"), Type = "order.completed", Value = 10 }));
            }
        }))));

        Assert.Equal(600, outcomes.Count);
        Assert.Equal(300, outcomes.Count(o => !o.IsDuplicate));
        Assert.All(outcomes.GroupBy(o => o.Record.Activity.IdempotencyKey), g => Assert.Single(g.Select(o => o.ActivityId).Distinct()));
        foreach (var sp in new[] { a, b })
        {
            var points = sp.GetRequiredService<IPointsService>();
            for (var m = 0; m < 4; m++)
            {
                Assert.Equal(750, (await points.GetBalanceAsync(shop, new MemberId($"m{m}"), "coins")).Total); // 75 orders × 10, seen the same from both
            }
        }

        // A spend on one instance is seen by the other at once: the balance never goes below zero across instances.
        var spends = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            var points = (i % 2 == 0 ? a : b).GetRequiredService<IPointsService>();
            try
            {
                await points.SpendAsync(shop, new MemberId("m0"), "coins", 100, "voucher", $"spend-{i}");
                return true;
            }
            catch (InsufficientPointsException)
            {
                return false;
            }
        })));
        Assert.Equal(7, spends.Count(s => s));
        Assert.Equal(50, (await b.GetRequiredService<IPointsService>().GetBalanceAsync(shop, new MemberId("m0"), "coins")).Total);
    }

    [Fact]
    public async Task A_process_killed_during_an_erasure_leaves_all_or_nothing_and_a_retry_completes_it()
    {
        var cs = await PgDb.NewDatabaseAsync();
        await CrashHarness.EraseAsync("postgres", cs, b => b.UsePostgreSql(cs));
    }

    [Fact]
    public async Task A_process_killed_at_random_points_loses_no_committed_activity_and_ledgers_stay_whole()
    {
        var cs = await PgDb.NewDatabaseAsync();
        await CrashHarness.RunAsync("postgres", cs, b => b.UsePostgreSql(cs), runs: 8);
    }

    [Fact]
    public void PostgreSql_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(PostgreSqlCommunityStore).Assembly));
}
