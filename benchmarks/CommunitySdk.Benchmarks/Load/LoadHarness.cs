using System.Diagnostics;
using System.Globalization;
using System.Text;
using CommunitySdk.Benchmarks.Scale;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunitySdk.Benchmarks.Load;

/// <summary>
/// The durable write path under load, every feature on (<see cref="FullCommunity.AddEveryFeature"/>, the quickstart's
/// rules), side by side with raw inserts of the SDK's own rows (the same schema, rows and durability settings) in the
/// same run:
/// <list type="bullet">
/// <item>SQLite file: 1 writer against one row per transaction; 8 writers into one community against 1,000 rows per transaction;</item>
/// <item>PostgreSQL: 1 writer against one round trip per row; 8 writers into one community, two instances × 8 writers, and
/// 8 communities, against 1,000 rows per transaction;</item>
/// <item>bulk import into each against the batched limit; the SQLite file's bytes per activity.</item>
/// </list>
/// Usage: <c>./eng/bench.sh --load [seconds per case, default 8]</c> (starts PostgreSQL); the report goes to
/// <c>docs/benchmarks/results/load.md</c>.
/// </summary>
internal static class LoadHarness
{
    private const int Members = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var duration = TimeSpan.FromSeconds(seconds);
        var postgres = Environment.GetEnvironmentVariable("COMMUNITYSDK_POSTGRES");
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        Say("# Durable write path under load");
        Say(F($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}; every feature on (the quickstart's rules), {Members:N0} members, {seconds} s per case, inline publishing on (the default), loopback servers"));
        Say(string.Empty);
        Say("| case | SDK | p50 / p99 per call | limit measured in the same run | SDK ÷ limit |");
        Say("| --- | ---: | ---: | ---: | ---: |");

        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "communitysdk-load")).FullName;
        foreach (var old in Directory.GetFiles(folder))
        {
            File.Delete(old);
        }

        string Sqlite(string name) => $"Data Source={Path.Combine(folder, name + ".db")}";

        // SQLite, one writer, against one row per transaction.
        var one = await RecordAsync(b => b.UseSqlite(Sqlite("one")), writers: 1, communities: 1, duration).ConfigureAwait(false);
        var rows = await SampleRowsAsync(b => b.UseSqlite(Sqlite("one"))).ConfigureAwait(false);
        var rawOne = await RawSqliteAsync(Sqlite("raw_one"), rows, perTransaction: 1, duration).ConfigureAwait(false);
        Say(Row("SQLite file, 1 writer", one, rawOne, "same schema, 1 row per transaction"));
        var quiet = await RecordAsync(b => b.UseSqlite(Sqlite("quiet")), writers: 1, communities: 1, duration, inline: false).ConfigureAwait(false);
        Say(Row("SQLite file, 1 writer, publishing left to the relay", quiet, rawOne, "same schema, 1 row per transaction"));

        var eight = await RecordAsync(b => b.UseSqlite(Sqlite("eight")), writers: 8, communities: 1, duration).ConfigureAwait(false);
        var rawBatched = await RawSqliteAsync(Sqlite("raw_batched"), rows, perTransaction: 1000, duration).ConfigureAwait(false);
        Say(Row("SQLite file, 8 writers, one community", eight, rawBatched, "same schema, 1,000 per transaction"));

        var import = await ImportAsync(b => b.UseSqlite(Sqlite("import")), duration).ConfigureAwait(false);
        Say(Row("bulk import into SQLite", import, rawBatched, "same schema, 1,000 per transaction"));
        var bytes = await SqliteBytesAsync(Path.Combine(folder, "import.db")).ConfigureAwait(false);
        Say(F($"| SQLite log size (import file, used pages) | {bytes / (double)import.Count:N0} B per activity | | | |"));

        if (string.IsNullOrEmpty(postgres))
        {
            Say("| PostgreSQL | not run: COMMUNITYSDK_POSTGRES is not set (./eng/bench.sh starts a server) | | | |");
        }
        else
        {
            var pgOne = await RecordAsync(b => b.UsePostgreSql(NewDatabase(postgres, "one")), writers: 1, communities: 1, duration).ConfigureAwait(false);
            var pgRows = await SampleRowsAsync(b => b.UsePostgreSql(Database(postgres, "one"))).ConfigureAwait(false);
            var pgRawOne = await RawPostgresAsync(NewDatabase(postgres, "raw_one"), pgRows, perTransaction: 1, duration).ConfigureAwait(false);
            Say(Row("PostgreSQL, 1 writer", pgOne, pgRawOne, "one round trip per insert"));

            var pgRawBatched = await RawPostgresAsync(NewDatabase(postgres, "raw_batched"), pgRows, perTransaction: 1000, duration).ConfigureAwait(false);
            var pgEight = await RecordAsync(b => b.UsePostgreSql(NewDatabase(postgres, "eight")), writers: 8, communities: 1, duration).ConfigureAwait(false);
            Say(Row("PostgreSQL, 8 writers, one community", pgEight, pgRawBatched, "1,000 per transaction"));

            var shared = NewDatabase(postgres, "two");
            var pgTwo = await RecordAsync(b => b.UsePostgreSql(shared), writers: 8, communities: 1, duration, instances: 2).ConfigureAwait(false);
            Say(Row("PostgreSQL, 2 instances × 8 writers, one community", pgTwo, pgRawBatched, "1,000 per transaction"));

            var pgCommunities = await RecordAsync(b => b.UsePostgreSql(NewDatabase(postgres, "communities")), writers: 8, communities: 8, duration).ConfigureAwait(false);
            Say(Row("PostgreSQL, 8 communities × 1 writer", pgCommunities, pgRawBatched, "1,000 per transaction"));

            var pgImport = await ImportAsync(b => b.UsePostgreSql(NewDatabase(postgres, "import")), duration).ConfigureAwait(false);
            Say(Row("bulk import into PostgreSQL", pgImport, pgRawBatched, "1,000 per transaction"));
        }

        var results = Directory.CreateDirectory(Path.Combine("docs", "benchmarks", "results")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, "load.md"), report.ToString()).ConfigureAwait(false);
        Console.WriteLine($"report: {Path.Combine(results, "load.md")}");
        return 0;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Row(string name, Measured sdk, Measured limit, string limitIs) =>
        F($"| {name} | {sdk.Rate:N0} /s | {Ms(sdk.P50)} / {Ms(sdk.P99)} | {limit.Rate:N0} /s ({limitIs}) | {sdk.Rate / limit.Rate:0.00}× |");

    private static string Ms(TimeSpan? value) => value is { } v ? F($"{v.TotalMilliseconds:0.00} ms") : "—";

    private sealed record Measured(long Count, TimeSpan Took, TimeSpan? P50 = null, TimeSpan? P99 = null)
    {
        public double Rate => Count / Took.TotalSeconds;
    }

    private static ServiceProvider Host(Action<ICommunitySdkBuilder> store, bool inline = true)
    {
        var services = new ServiceCollection();
        var builder = services.AddCommunitySdk(o =>
        {
            o.AllowUndeclaredCommunities = true;
            o.PublishEventsInline = inline;
            o.MaxActivityTypes = 100;
        }).AddEveryFeature();
        store(builder);
        return services.BuildServiceProvider();
    }

    /// <summary>Writers call RecordAsync in a loop for the duration (after a warm-up), each on the next generated activity of its community.</summary>
    private static async Task<Measured> RecordAsync(Action<ICommunitySdkBuilder> store, int writers, int communities, TimeSpan duration, int instances = 1, bool inline = true)
    {
        var hosts = Enumerable.Range(0, instances).Select(_ => Host(store, inline)).ToArray();
        try
        {
            var sources = Enumerable.Range(0, communities)
                .Select(c => new Source(new ScaleWorkload(new CommunityId(F($"load-{c}")), Members, 1_000_000, seed: 7 + c).Generate().GetEnumerator()))
                .ToArray();
            async Task<List<long>> Writer(int w, TimeSpan length, bool measure)
            {
                var community = hosts[w % instances].GetRequiredService<ICommunity>();
                var source = sources[w % communities];
                var latencies = new List<long>(1 << 16);
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < length)
                {
                    var activity = source.Next();
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await community.RecordAsync(activity).ConfigureAwait(false);
                    }
                    catch (CommunityException)
                    {
                        // a spend without enough points: a rejection is a call too
                    }

                    if (measure)
                    {
                        latencies.Add(Stopwatch.GetTimestamp() - started);
                    }
                }

                return latencies;
            }

            var total = writers * instances;
            await Task.WhenAll(Enumerable.Range(0, total).Select(w => Task.Run(() => Writer(w, TimeSpan.FromSeconds(2), measure: false)))).ConfigureAwait(false); // warm-up
            var clock = Stopwatch.StartNew();
            var all = await Task.WhenAll(Enumerable.Range(0, total).Select(w => Task.Run(() => Writer(w, duration, measure: true)))).ConfigureAwait(false);
            var took = clock.Elapsed;
            var sorted = all.SelectMany(l => l).Order().ToArray();
            TimeSpan At(double q) => Stopwatch.GetElapsedTime(0, sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)]);
            return new Measured(sorted.Length, took, At(0.5), At(0.99));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<Measured> ImportAsync(Action<ICommunitySdkBuilder> store, TimeSpan duration)
    {
        await using var host = Host(store);
        var count = (long)(12_000 * duration.TotalSeconds); // about the duration at the rate measured before
        var activities = new ScaleWorkload(new CommunityId("import"), Members, count, seed: 11).Generate().ToList(); // generated outside the timing
        var clock = Stopwatch.StartNew();
        var result = await host.GetRequiredService<ICommunityImporter>().ImportAsync(ToAsync(activities)).ConfigureAwait(false);
        return new Measured(result.Recorded + result.Rejected, clock.Elapsed);
    }

    private static async IAsyncEnumerable<Activity> ToAsync(IEnumerable<Activity> activities)
    {
        foreach (var activity in activities)
        {
            yield return activity;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Real rows the SDK wrote (the first 20,000 of a log), to insert raw.</summary>
    private static async Task<List<ActivityRecord>> SampleRowsAsync(Action<ICommunitySdkBuilder> store)
    {
        await using var host = Host(store);
        var serializer = host.GetRequiredService<CommunityEventSerializer>();
        var rows = new List<ActivityRecord>();
        await foreach (var committed in host.GetRequiredService<ICommunityStore>().ReadLogAsync(new CommunityId("load-0")).ConfigureAwait(false))
        {
            rows.Add(serializer.ToRecord(committed));
            if (rows.Count == 20_000)
            {
                break;
            }
        }

        return rows;
    }

    private static async Task<Measured> RawSqliteAsync(string connectionString, List<ActivityRecord> rows, int perTransaction, TimeSpan duration)
    {
        await using (var migrate = Host(b => b.UseSqlite(connectionString)))
        {
            await migrate.GetRequiredService<ICommunityStore>().GetLastActivityIdAsync(new CommunityId("raw")).ConfigureAwait(false); // the store's schema and WAL
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL;"; // the store's default durability
            await pragma.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO community_activities (community, activity_id, idempotency_key, member, type, occurred_at, value, attributes, recorded_at, fingerprint, events) VALUES ($c, $id, $k, $m, $t, $o, $v, $a, $r, $f, $e); INSERT INTO community_outbox (community, activity_id) VALUES ($c, $id);";
        var p = new[] { "$c", "$id", "$k", "$m", "$t", "$o", "$v", "$a", "$r", "$f", "$e" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        long id = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            insert.Transaction = transaction;
            for (var i = 0; i < perTransaction; i++)
            {
                var r = rows[(int)(id % rows.Count)];
                id++;
                object?[] values = ["raw", id, F($"{r.IdempotencyKey}#{id}"), r.Member, r.Type, r.OccurredAt, r.Value, r.Attributes, r.RecordedAt, r.Fingerprint, r.Events];
                for (var v = 0; v < values.Length; v++)
                {
                    p[v].Value = values[v] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }

        return new Measured(id, clock.Elapsed);
    }

    private static async Task<Measured> RawPostgresAsync(string connectionString, List<ActivityRecord> rows, int perTransaction, TimeSpan duration)
    {
        await using (var migrate = Host(b => b.UsePostgreSql(connectionString)))
        {
            await migrate.GetRequiredService<ICommunityStore>().GetLastActivityIdAsync(new CommunityId("raw")).ConfigureAwait(false);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        long id = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await using var transaction = perTransaction > 1 ? await connection.BeginTransactionAsync().ConfigureAwait(false) : null;
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (var i = 0; i < perTransaction; i++)
            {
                var r = rows[(int)(id % rows.Count)];
                id++;
                var insert = new NpgsqlBatchCommand("INSERT INTO community_activities (community, activity_id, idempotency_key, member, type, occurred_at, value, attributes, recorded_at, fingerprint, events) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);");
                insert.Parameters.AddWithValue("raw");
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(F($"{r.IdempotencyKey}#{id}"));
                insert.Parameters.AddWithValue(r.Member);
                insert.Parameters.AddWithValue(r.Type);
                insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)r.OccurredAt ?? DBNull.Value);
                insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)r.Value ?? DBNull.Value);
                insert.Parameters.AddWithValue(r.Attributes);
                insert.Parameters.AddWithValue(r.RecordedAt);
                insert.Parameters.AddWithValue(r.Fingerprint);
                insert.Parameters.AddWithValue(r.Events);
                batch.BatchCommands.Add(insert);
                var outbox = new NpgsqlBatchCommand("INSERT INTO community_outbox (community, activity_id) VALUES ($1, $2);");
                outbox.Parameters.AddWithValue("raw");
                outbox.Parameters.AddWithValue(id);
                batch.BatchCommands.Add(outbox);
            }

            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            if (transaction is not null)
            {
                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }

        return new Measured(id, clock.Elapsed);
    }

    private static async Task<long> SqliteBytesAsync(string file)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        command.CommandText = "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size();";
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static string Database(string server, string name) =>
        new NpgsqlConnectionStringBuilder(server) { Database = F($"load_{name}") }.ConnectionString;

    private static string NewDatabase(string server, string name)
    {
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using (var drop = new NpgsqlCommand(F($"DROP DATABASE IF EXISTS load_{name};"), connection))
        {
            drop.ExecuteNonQuery();
        }

        using (var create = new NpgsqlCommand(F($"CREATE DATABASE load_{name};"), connection))
        {
            create.ExecuteNonQuery();
        }

        return Database(server, name);
    }

    /// <summary>One community's generated activities, shared by its writers.</summary>
    private sealed class Source(IEnumerator<Activity> activities)
    {
        private readonly Lock _sync = new();

        public Activity Next()
        {
            lock (_sync)
            {
                activities.MoveNext();
                return activities.Current;
            }
        }
    }
}
