using BenchmarkDotNet.Attributes;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks.Tiers;

/// <summary>
/// The whole activity (<c>RecordAsync</c> on the in-memory store, every feature on as in
/// <see cref="FullCommunity.AddEveryFeature"/>) with that community's own tiers, or with the Discourse preset in
/// their place: the difference is what the rolling-window tier requirements cost a real request. 10,000 members,
/// a Discourse-like mix of visits, reads, replies, likes and flags, each member warmed with 20 activities.
/// </summary>
[MemoryDiagnoser]
public class TierPipelineBenchmarks
{
    private ServiceProvider _services = null!;
    private ICommunity _community = null!;
    private Activity[] _activities = null!;
    private int _next;

    [Params(false, true)]
    public bool DiscoursePreset { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        var sdk = services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; }).AddEveryFeature();
        if (DiscoursePreset)
        {
            sdk.AddScoring(s => s.UseTiers(Scoring.Tiers.DiscourseLike()));
        }

        _services = services.BuildServiceProvider();
        _community = _services.GetRequiredService<ICommunity>();
        var members = BenchmarkSettings.Size(10_000);
        var random = new Random(7);
        var types = new DiscourseActivityTypes();
        _activities = Enumerable.Range(0, 1_000_000).Select(i =>
        {
            var roll = random.Next(100);
            var attributes = new Dictionary<string, string>();
            var type = roll switch
            {
                < 10 => types.Visit,
                < 35 => types.TopicViewed,
                < 75 => types.PostRead,
                < 85 => types.Replied,
                < 99 => types.Like,
                _ => types.FlagConfirmed,
            };
            if (type == types.Replied)
            {
                attributes[types.TopicAttribute] = $"topic-{random.Next(10_000)}";
            }
            else if (type == types.Like || type == types.FlagConfirmed)
            {
                attributes["target"] = $"m{random.Next(members)}";
            }

            return new Activity { IdempotencyKey = $"k{i}", Community = new CommunityId("bench"), Member = new MemberId($"m{random.Next(members)}"), Type = type, Attributes = attributes };
        }).ToArray();

        var directory = _services.GetRequiredService<IMemberDirectory>();
        for (var m = 0; m < members; m++)
        {
            directory.JoinAsync(new CommunityId("bench"), new MemberId($"m{m}")).AsTask().GetAwaiter().GetResult();
        }

        for (_next = 0; _next < members * 20 && _next < _activities.Length / 2; _next++)
        {
            _community.RecordAsync(_activities[_next]).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Records one activity through the whole pipeline, every feature on.</summary>
    [Benchmark]
    public ValueTask<ActivityOutcome> Record_whole_activity() => _community.RecordAsync(_activities[_next++ % _activities.Length]);
}
