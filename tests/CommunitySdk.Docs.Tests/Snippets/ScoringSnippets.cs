using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/scoring.md.</summary>
public static class ScoringSnippets
{
    public static void Register(ICommunitySdkBuilder builder)
    {
        // begin-snippet: scoring-register
        builder.AddScoring(s => s
            .HalfLife(TimeSpan.FromDays(30))
            .Weight("post.created", 2)
            .Weight("order.completed", 1, perUnitOfValue: 0.01)
            .Weight("meetup.attended", 5)
            .Tier("newcomer")
            .Tier("regular", t => t.MinScore = 20)
            .Tier("leader", t => { t.MinScore = 100; t.MinActivities["meetup.attended"] = 3; t.Endorsements = 2; }));
        // end-snippet
    }

    public static void Windows(IServiceCollection services)
    {
        // begin-snippet: scoring-windows
        services.AddCommunitySdk()
            .AddScoring(s =>
            {
                s.ActivityTypes.Add("visit"); // types no other rule names are declared, so a misspelt one fails at start
                s.ActivityTypes.Add("like");
                s.ActivityTypes.Add("flag.confirmed");
                s.Tier("new")
                 .Tier("regular", t =>
                 {
                     t.Require(new TierRequirement { Name = "days visited", Measure = TierMeasure.DistinctDays, ActivityType = "visit", WindowDays = 100, MinRatio = 0.5 });
                     t.Require(new TierRequirement { Name = "likes received", ActivityType = "like", Direction = TierDirection.Received, WindowDays = 100, Minimum = 20, MinCounterparts = 4, MinSpreadDays = 5 });
                     t.AtMost("flag.confirmed", 5, windowDays: 100);
                     t.ProtectedAfterPromotion = TimeSpan.FromDays(14);
                     t.DemotionGrace = TimeSpan.Zero;
                 });
            });
        // end-snippet
    }

    public static void Circle(ScoringOptions s)
    {
        // begin-snippet: scoring-circle-tier
        s.Tier("circle", t =>
        {
            t.MinScore = 200;
            t.MinPoints = 1_000;
            t.PointsCurrency = "reputation";
            t.DaysActive(30, windowDays: 90); // kept by taking part
            t.Endorsements = 2;
        });
        // end-snippet
    }
}
