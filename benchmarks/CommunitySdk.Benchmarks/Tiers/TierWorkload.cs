using CommunitySdk.Scoring;
using CommunitySdk.Scoring.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks.Tiers;

/// <summary>
/// The scoring model with the Discourse preset on, and one community's members and scores built straight from the
/// internals, so a benchmark can feed the tier counters a long history quickly (the fold's own entry point,
/// <see cref="CommunityScores.CountForTiers"/>, and the reactor's, <see cref="TierEvaluator.Decide"/>).
/// </summary>
internal sealed class TierWorkload : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static readonly DiscourseActivityTypes Types = new();
    private readonly ServiceProvider _services;

    public TierWorkload(int members, string timeZone = "Asia/Shanghai")
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.TimeZone = timeZone; })
            .AddScoring(s => s.UseTiers(Scoring.Tiers.DiscourseLike()));
        _services = services.BuildServiceProvider();
        Model = _services.GetRequiredService<ScoringModel>();
        Evaluator = _services.GetRequiredService<TierEvaluator>();
        Calendar = _services.GetRequiredService<ICommunityCalendar>();
        Members = new CommunityMembers(new CommunityId("bench"));
        Ids = new MemberId[members];
        for (var m = 0; m < members; m++)
        {
            Ids[m] = new MemberId($"m{m}");
            Members.Join(Members.Intern(Ids[m]), Start, new Dictionary<string, string>());
        }

        Scores = new CommunityScores(Model, Members, Start);
        Scores.InitializeDefaults();
        Scores.EnsureCapacity(members);
    }

    public ScoringModel Model { get; }

    public TierEvaluator Evaluator { get; }

    public ICommunityCalendar Calendar { get; }

    public CommunityMembers Members { get; }

    public CommunityScores Scores { get; }

    public MemberId[] Ids { get; }

    /// <summary>
    /// One activity of a Discourse-like day for <paramref name="member"/>: visits, topic views, reads, replies on a
    /// topic, likes to another member (a like received for them), now and then a confirmed flag.
    /// </summary>
    public Activity Next(Random random, int member)
    {
        var roll = random.Next(100);
        var (type, attributes) = roll switch
        {
            < 10 => (Types.Visit, (IReadOnlyDictionary<string, string>?)null),
            < 35 => (Types.TopicViewed, null),
            < 75 => (Types.PostRead, null),
            < 85 => (Types.Replied, new Dictionary<string, string> { [Types.TopicAttribute] = $"topic-{random.Next(10_000)}" }),
            < 99 => (Types.Like, new Dictionary<string, string> { ["target"] = Ids[random.Next(Ids.Length)].Value }),
            _ => (Types.FlagConfirmed, new Dictionary<string, string> { ["target"] = Ids[random.Next(Ids.Length)].Value }),
        };
        return new Activity
        {
            IdempotencyKey = "k",
            Community = Members.Community,
            Member = Ids[member],
            Type = type,
            Attributes = attributes ?? new Dictionary<string, string>(),
        };
    }

    /// <summary>What the fold does for one activity at <paramref name="at"/>: the tier counters of its member and of the member it targets.</summary>
    public void Fold(int member, Activity activity, DateTimeOffset at) =>
        Scores.CountForTiers(member, activity, Scores.LocalDay(at, Calendar));

    /// <summary>What the reactor does for one activity at <paramref name="at"/>: the member's tier decision with the activity pending.</summary>
    public TierDecision Decide(int member, Activity activity, DateTimeOffset at) =>
        Evaluator.Decide(Scores, Ids[member], member, at, new TierEvaluator.Pending(activity, 0, null));

    public void Dispose() => _services.Dispose();
}
