using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks;

/// <summary>The whole activity flow on the in-memory store: validate, dedupe, react, commit, apply.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private ServiceProvider _services = null!;
    private ICommunity _community = null!;
    private Activity[] _activities = null!;
    private Activity _retry = null!;
    private int _next;

    [Params(10_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; });
        _services = services.BuildServiceProvider();
        _community = _services.GetRequiredService<ICommunity>();
        var shop = new CommunityId("bench");
        var members = BenchmarkSettings.Size(Members);
        var random = new Random(7);
        _activities = Enumerable.Range(0, 1_000_000).Select(i => new Activity
        {
            IdempotencyKey = $"k{i}",
            Community = shop,
            Member = new MemberId($"m{random.Next(members)}"),
            Type = "post.created",
            Value = i % 100,
        }).ToArray();
        _retry = _activities[0];
        _community.RecordAsync(_retry).AsTask().GetAwaiter().GetResult();
        _next = 1;
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Records a new activity (a new idempotency key each call).</summary>
    [Benchmark]
    public ValueTask<ActivityOutcome> Record_new_activity_Sdk() => _community.RecordAsync(_activities[_next++ % _activities.Length]);

    /// <summary>A client retries an activity already recorded: answered with the first outcome.</summary>
    [Benchmark]
    public ValueTask<ActivityOutcome> Record_retry_Sdk() => _community.RecordAsync(_retry);
}
