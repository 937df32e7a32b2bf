using BenchmarkDotNet.Attributes;
using CommunitySdk.Badges;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks;

/// <summary>
/// Per-activity cost of recording with 10 to 10,000 badges defined. Every badge counts its own activity type;
/// the recorded activities use ten of those types, so each one touches exactly one criterion whatever the
/// number of definitions (none with 0: the pipeline's own cost). Flat times across the rows show the type →
/// criteria index at work.
/// </summary>
[MemoryDiagnoser]
public class BadgeBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private ServiceProvider _services = null!;
    private ICommunity _community = null!;
    private Activity[] _activities = null!;
    private int _next;

    [Params(0, 10, 100, 1_000, 10_000)]
    public int Badges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
            .AddBadges(b =>
            {
                for (var i = 0; i < Badges; i++)
                {
                    b.Badge($"badge-{i}", $"Badge {i}", BadgeCriteria.Count($"type-{i}", 50));
                }
            });
        _services = services.BuildServiceProvider();
        _community = _services.GetRequiredService<ICommunity>();
        var shop = new CommunityId("bench");
        var members = BenchmarkSettings.Size(10_000);
        var random = new Random(11);
        _activities = Enumerable.Range(0, 1_000_000).Select(i => new Activity
        {
            IdempotencyKey = $"k{i}",
            Community = shop,
            Member = new MemberId($"m{random.Next(members)}"),
            Type = $"type-{random.Next(10)}",
        }).ToArray();

        // Warm the community so every member has state, as in a running shop.
        for (_next = 0; _next < members * 2; _next++)
        {
            _community.RecordAsync(_activities[_next]).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Records one activity through the whole pipeline, badges evaluated.</summary>
    [Benchmark]
    public ValueTask<ActivityOutcome> Record_with_badges_defined() => _community.RecordAsync(_activities[_next++ % _activities.Length]);
}
