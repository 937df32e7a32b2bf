using BenchmarkDotNet.Attributes;
using CommunitySdk.Points;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks;

/// <summary>
/// Sustained ingest of the durable providers, per activity: a bulk import committing 1,000 activities (with
/// their points event and outbox entry) per transaction, and the full pipeline recording one activity per
/// commit (validate, dedupe, points rule, commit, projections). SQLite is a file in a temporary folder
/// (WAL, synchronous NORMAL); PostgreSQL the throwaway server eng/bench.sh starts (default durability).
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const int Batch = 1_000;
    private string _folder = null!;
    private ServiceProvider _services = null!;
    private ICommunityStore _store = null!;
    private ICommunity _community = null!;
    private CommunityId _bulk;
    private CommunityId _records;
    private long _nextId;
    private int _nextKey;

    [Params("sqlite", "postgresql")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"communitysdk-bench-{Guid.NewGuid():N}")).FullName;
        var services = new ServiceCollection();
        var builder = services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
        if (Provider == "sqlite")
        {
            builder.UseSqlite($"Data Source={Path.Combine(_folder, "ingest.db")}");
        }
        else
        {
            var server = Environment.GetEnvironmentVariable("COMMUNITYSDK_POSTGRES")
                ?? throw new InvalidOperationException("COMMUNITYSDK_POSTGRES is not set: run the benchmarks through ./eng/bench.sh, which starts PostgreSQL.");
            builder.UsePostgreSql(server);
        }

        _services = services.BuildServiceProvider();
        _store = _services.GetRequiredService<ICommunityStore>();
        _community = _services.GetRequiredService<ICommunity>();
        _bulk = new CommunityId($"bulk-{Guid.NewGuid():N}");
        _records = new CommunityId($"records-{Guid.NewGuid():N}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>One transaction of 1,000 activities; reported per activity.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Bulk_commit_per_activity()
    {
        var batch = new CommittedActivity[Batch];
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Batch; i++)
        {
            var id = ++_nextId;
            var activity = new Activity { IdempotencyKey = $"b{id}", Community = _bulk, Member = new MemberId($"m{id % 10_000}"), Type = "order.completed", Value = 25 };
            var award = new PointsAwarded { Community = _bulk, Member = activity.Member, ActivityId = id, OccurredAt = at, Currency = "coins", Amount = 25, Reason = "order", SourceKey = activity.IdempotencyKey };
            batch[i] = new CommittedActivity(id, activity, at, "fp", [award]);
        }

        var session = await _store.BeginWriteAsync(_bulk);
        await using (session)
        {
            await session.CommitManyAsync(batch);
        }
    }

    /// <summary>The full pipeline, one activity per commit.</summary>
    [Benchmark]
    public ValueTask<ActivityOutcome> Record_one_activity() =>
        _community.RecordAsync(new Activity { IdempotencyKey = $"r{++_nextKey}", Community = _records, Member = new MemberId($"m{_nextKey % 10_000}"), Type = "order.completed", Value = 25 });
}
