using System.ComponentModel.DataAnnotations;

namespace CommunitySdk.Scoring;

/// <summary>What a <see cref="TierRequirement"/> measures.</summary>
public enum TierMeasure
{
    /// <summary>How many activities of the type (or of any type when <see cref="TierRequirement.ActivityType"/> is null).</summary>
    Count,

    /// <summary>The sum of the activities' values (for example order totals).</summary>
    Sum,

    /// <summary>On how many distinct days (community time zone) the member had such an activity ("days visited").</summary>
    DistinctDays,

    /// <summary>How many distinct values of <see cref="TierRequirement.Attribute"/> the activities carried ("topics replied to"). Needs a window.</summary>
    DistinctValues,
}

/// <summary>Whose activities a <see cref="TierRequirement"/> counts.</summary>
public enum TierDirection
{
    /// <summary>Activities the member recorded (likes given).</summary>
    Given,

    /// <summary>
    /// Activities of other members that name this member in <see cref="ScoringOptions.TargetAttribute"/> (likes received,
    /// answers accepted): one activity counts for both sides. Self-targeted activities never count.
    /// </summary>
    Received,
}

/// <summary>
/// One requirement of a tier, over the member's whole history or "in the last <see cref="WindowDays"/> days" (community
/// time zone, today included). Exactly one of <see cref="Minimum"/>, <see cref="MinRatio"/> and <see cref="Maximum"/> is set.
/// Window state is kept per member as daily counters bounded by the longest window, never as a list of activities.
/// </summary>
public sealed class TierRequirement
{
    /// <summary>What members and events call it ("likes received"); generated from the settings when empty.</summary>
    [StringLength(100)]
    public string? Name { get; set; }

    /// <summary>What is measured. Default <see cref="TierMeasure.Count"/>.</summary>
    public TierMeasure Measure { get; set; } = TierMeasure.Count;

    /// <summary>The activity type counted; <see langword="null"/> for any activity (not with <see cref="TierDirection.Received"/>, <see cref="TierMeasure.Sum"/> or <see cref="TierMeasure.DistinctValues"/>).</summary>
    public string? ActivityType { get; set; }

    /// <summary>Whose activities count. Default <see cref="TierDirection.Given"/>.</summary>
    public TierDirection Direction { get; set; } = TierDirection.Given;

    /// <summary>The attribute whose distinct values <see cref="TierMeasure.DistinctValues"/> counts (for example <c>topic</c>).</summary>
    public string? Attribute { get; set; }

    /// <summary>The rolling window in days, 1 to 1,000; 0 (the default) for the member's whole history.</summary>
    [Range(0, 1000)]
    public int WindowDays { get; set; }

    /// <summary>The least value that meets it.</summary>
    public double? Minimum { get; set; }

    /// <summary>For <see cref="TierMeasure.DistinctDays"/> over a window: the least share of the window's days, 0 to 1 (0.5: "visited on half of the last 100 days").</summary>
    public double? MinRatio { get; set; }

    /// <summary>The most that still meets it: a penalty (for example at most 5 confirmed flags in the window).</summary>
    public double? Maximum { get; set; }

    /// <summary>
    /// Diversity: the counted activities must come from (received) or go to (given) at least this many distinct members
    /// in the window, or the requirement is not met. Needs a window and a counterpart in <see cref="ScoringOptions.TargetAttribute"/>.
    /// </summary>
    [Range(0, 100_000)]
    public int MinCounterparts { get; set; }

    /// <summary>Diversity: the counted activities must fall on at least this many distinct days of the window.</summary>
    [Range(0, 1000)]
    public int MinSpreadDays { get; set; }

    /// <summary>The name members see: <see cref="Name"/>, or one made from the settings.</summary>
    /// <returns>The display name.</returns>
    public string DisplayName()
    {
        if (!string.IsNullOrEmpty(Name))
        {
            return Name;
        }

        var what = Measure switch
        {
            TierMeasure.Sum => $"sum of {ActivityType}",
            TierMeasure.DistinctDays => ActivityType is null ? "days active" : $"days with {ActivityType}",
            TierMeasure.DistinctValues => $"distinct {Attribute} of {ActivityType}",
            _ => ActivityType ?? "activities",
        };
        var received = Direction == TierDirection.Received ? " received" : "";
        return WindowDays > 0 ? $"{what}{received} in {WindowDays} days" : $"{what}{received}";
    }
}

/// <summary>A ready-made tier ladder and the activity types it counts.</summary>
/// <param name="Tiers">The tiers, lowest first.</param>
/// <param name="ActivityTypes">The activity types the requirements reference (declared for validation by <see cref="ScoringOptions.UseTiers(TierPreset)"/>).</param>
/// <param name="DemotionGrace">The default time a member keeps a tier after falling short, or <see langword="null"/> to keep the options' value.</param>
public sealed record TierPreset(IReadOnlyList<TierDefinition> Tiers, IReadOnlyList<string> ActivityTypes, TimeSpan? DemotionGrace = null);

/// <summary>Activity type names the <see cref="Tiers.DiscourseLike(DiscourseActivityTypes?)"/> preset counts; rename them to your own.</summary>
public sealed record DiscourseActivityTypes
{
    /// <summary>A day's visit (record one per visit; only distinct days count). Default <c>visit</c>.</summary>
    public string Visit { get; init; } = "visit";

    /// <summary>A topic opened. Default <c>topic.viewed</c>.</summary>
    public string TopicViewed { get; init; } = "topic.viewed";

    /// <summary>A post read. Default <c>post.read</c>.</summary>
    public string PostRead { get; init; } = "post.read";

    /// <summary>A reply, with the topic in <see cref="TopicAttribute"/>. Default <c>post.replied</c>.</summary>
    public string Replied { get; init; } = "post.replied";

    /// <summary>A like, with the liked post's author in the target attribute. Default <c>like</c>.</summary>
    public string Like { get; init; } = "like";

    /// <summary>A confirmed flag on a member's post, recorded by the host or a moderator with the author as target. Default <c>flag.confirmed</c>.</summary>
    public string FlagConfirmed { get; init; } = "flag.confirmed";

    /// <summary>The attribute naming a topic. Default <c>topic</c>.</summary>
    public string TopicAttribute { get; init; } = "topic";
}

/// <summary>Tier presets modelled on communities members already know.</summary>
public static class Tiers
{
    /// <summary>
    /// Discourse's trust levels: <c>new</c>; <c>basic</c> (5 topics entered, 30 posts read); <c>member</c> (15 days
    /// visited, a like given and received, 3 replies, 20 topics entered, 100 posts read); <c>regular</c>, earned and kept
    /// inside a rolling 100-day window (visited on half the days, replied to 10 distinct topics, 25 topics entered,
    /// 250 posts read, 30 likes given, 20 received from at least 4 members on at least 5 days, at most 5 confirmed flags),
    /// demoted as soon as it falls short — except in the two weeks after promotion. Discourse's share-of-all-topics
    /// thresholds are fixed counts here. Suspension blocks promotion (<see cref="ITierService.SuspendAsync"/>).
    /// </summary>
    /// <param name="types">The activity types to count; <see langword="null"/> for the defaults.</param>
    /// <returns>The preset, for <see cref="ScoringOptions.UseTiers(TierPreset)"/>.</returns>
    public static TierPreset DiscourseLike(DiscourseActivityTypes? types = null)
    {
        var t = types ?? new DiscourseActivityTypes();
        TierDefinition[] tiers =
        [
            new() { Name = "new" },
            Tier("basic", [Count(t.TopicViewed, 5, 0), Count(t.PostRead, 30, 0)]),
            Tier("member",
            [
                new TierRequirement { Name = "days visited", Measure = TierMeasure.DistinctDays, ActivityType = t.Visit, Minimum = 15 },
                Count(t.Like, 1, 0, name: "likes given"),
                Count(t.Like, 1, 0, TierDirection.Received, "likes received"),
                Count(t.Replied, 3, 0, name: "replies"),
                Count(t.TopicViewed, 20, 0),
                Count(t.PostRead, 100, 0),
            ]),
            Tier("regular",
            [
                new TierRequirement { Name = "days visited", Measure = TierMeasure.DistinctDays, ActivityType = t.Visit, WindowDays = 100, MinRatio = 0.5 },
                new TierRequirement { Name = "topics replied to", Measure = TierMeasure.DistinctValues, ActivityType = t.Replied, Attribute = t.TopicAttribute, WindowDays = 100, Minimum = 10 },
                Count(t.TopicViewed, 25, 100),
                Count(t.PostRead, 250, 100),
                Count(t.Like, 30, 100, name: "likes given"),
                new TierRequirement { Name = "likes received", ActivityType = t.Like, Direction = TierDirection.Received, WindowDays = 100, Minimum = 20, MinCounterparts = 4, MinSpreadDays = 5 },
                new TierRequirement { Name = "confirmed flags", ActivityType = t.FlagConfirmed, Direction = TierDirection.Received, WindowDays = 100, Maximum = 5 },
            ]),
        ];
        tiers[3].ProtectedAfterPromotion = TimeSpan.FromDays(14);
        tiers[3].DemotionGrace = TimeSpan.Zero;
        return new TierPreset(tiers, [t.Visit, t.TopicViewed, t.PostRead, t.Replied, t.Like, t.FlagConfirmed]);

        static TierDefinition Tier(string name, TierRequirement[] requirements)
        {
            var tier = new TierDefinition { Name = name };
            foreach (var requirement in requirements)
            {
                tier.Requirements.Add(requirement);
            }

            return tier;
        }

        static TierRequirement Count(string type, double minimum, int window, TierDirection direction = TierDirection.Given, string? name = null) =>
            new() { Name = name, ActivityType = type, Direction = direction, WindowDays = window, Minimum = minimum };
    }
}
