using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace CommunitySdk.Scoring;

/// <summary>Scoring settings. Bind from configuration (section <c>Community:Scoring</c>) or set in code.</summary>
public sealed class ScoringOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Scoring";

    /// <summary>How long until engagement counts half, 1 hour to 10 years. Default 30 days.</summary>
    /// <remarks>Configuration key <c>HalfLife</c>, the fluent method's name.</remarks>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    [ConfigurationKeyName("HalfLife")]
    public TimeSpan HalfLifeTime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Weight per activity type; types not listed count <see cref="DefaultWeight"/>.</summary>
    public IDictionary<string, double> Weights { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Weight of activity types not in <see cref="Weights"/>. Default 1. Commands of the SDK itself never count.</summary>
    [Range(0.0, 1e6)]
    public double DefaultWeight { get; set; } = 1;

    /// <summary>Extra weight per unit of the activity's value, per type (for example 0.01 per currency unit of an order).</summary>
    public IDictionary<string, double> ValueFactors { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Invite-forest levels whose engagement counts towards a member's network value, 0 to 5. Default 2.</summary>
    [Range(0, 5)]
    public int NetworkLevels { get; set; } = 2;

    /// <summary>Discount per level: level ℓ counts discount^ℓ. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public double NetworkDiscount { get; set; } = 0.5;

    /// <summary>Weight of the network value in the score. Default 1.</summary>
    [Range(0.0, 1e6)]
    public double NetworkWeight { get; set; } = 1;

    /// <summary>Score bonus per strong tie (not decaying). Default 0.</summary>
    [Range(0.0, 1e6)]
    public double StrongTieBonus { get; set; }

    /// <summary>Size of the top-K cohort ("the first 100 super-users"). Default 100.</summary>
    [Range(1, 100_000)]
    public int CohortSize { get; set; } = 100;

    /// <summary>Shared events that make two members strongly tied. Default 3 ("three meetups make a strong tie").</summary>
    [Range(1, 1000)]
    public int StrongTieThreshold { get; set; } = 3;

    /// <summary>The activity type of attending an event. Default <c>meetup.attended</c>.</summary>
    public string AttendanceActivityType { get; set; } = "meetup.attended";

    /// <summary>The attribute naming the event attended. Default <c>event</c>.</summary>
    public string EventAttribute { get; set; } = "event";

    /// <summary>The attribute naming a hot-list subject (product, topic). Default <c>subject</c>.</summary>
    public string SubjectAttribute { get; set; } = "subject";

    /// <summary>
    /// The most hot-list subjects one community keeps, 1 to 1,000,000. Default 10,000. A new subject beyond it takes
    /// the place of the coldest one, so made-up subjects cannot grow memory without bound.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxHotSubjects { get; set; } = 10_000;

    /// <summary>
    /// The most events (meetups) one community tracks attendees of for strong ties, 1 to 1,000,000. Default 10,000.
    /// Beyond it the event first attended longest ago is forgotten (ties already formed stay).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxTrackedEvents { get; set; } = 10_000;

    /// <summary>How many of the latest cohort changes are kept for <c>CohortHistoryAsync</c>, 1 to 1,000,000. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxCohortHistory { get; set; } = 10_000;

    /// <summary>Days of activity that count for the city ranking. Default 30.</summary>
    [Range(1, 3650)]
    public int ActiveDays { get; set; } = 30;

    /// <summary>
    /// The attribute naming the member an activity is about (the liked post's author, the accepted answer's author), for
    /// tier requirements on activities received. Default <c>target</c>.
    /// </summary>
    [Required]
    public string TargetAttribute { get; set; } = "target";

    /// <summary>
    /// Activity types the host records, declared for validation: a tier requirement may reference a type only when it is
    /// declared here or in <see cref="Weights"/> (a misspelt type would otherwise never be met).
    /// </summary>
    public IList<string> ActivityTypes { get; } = [];

    /// <summary>
    /// The points currency the day, week and month boards rank; <see langword="null"/> for the first one declared. Set
    /// it whenever points declare more than one currency, so the boards rank the one members expect.
    /// </summary>
    public string? LeaderboardCurrency { get; set; }

    /// <summary>Tiers, lowest first. The first is where every member starts.</summary>
    public IList<TierDefinition> Tiers { get; } = [];

    /// <summary>How long a member keeps a tier after falling short of it. Default 14 days (as Discourse's TL3).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan DemotionGrace { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Sets the half-life.</summary>
    /// <param name="halfLife">The half-life.</param>
    /// <returns>These options.</returns>
    public ScoringOptions HalfLife(TimeSpan halfLife)
    {
        HalfLifeTime = halfLife;
        return this;
    }

    /// <summary>Sets an activity type's weight and, optionally, its weight per unit of value.</summary>
    /// <param name="activityType">The activity type.</param>
    /// <param name="weight">The weight.</param>
    /// <param name="perUnitOfValue">Extra weight per unit of the activity's value.</param>
    /// <returns>These options.</returns>
    public ScoringOptions Weight(string activityType, double weight, double perUnitOfValue = 0)
    {
        Weights[activityType] = weight;
        if (perUnitOfValue != 0)
        {
            ValueFactors[activityType] = perUnitOfValue;
        }

        return this;
    }

    /// <summary>Replaces the tiers with a preset (for example <see cref="Scoring.Tiers.DiscourseLike"/>) and declares the activity types it counts.</summary>
    /// <param name="preset">The preset.</param>
    /// <returns>These options.</returns>
    public ScoringOptions UseTiers(TierPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        Tiers.Clear();
        foreach (var tier in preset.Tiers)
        {
            Tiers.Add(tier);
        }

        foreach (var type in preset.ActivityTypes)
        {
            if (!ActivityTypes.Contains(type))
            {
                ActivityTypes.Add(type);
            }
        }

        if (preset.DemotionGrace is { } grace)
        {
            DemotionGrace = grace;
        }

        return this;
    }

    /// <summary>Adds a tier (call lowest first).</summary>
    /// <param name="name">The tier's name.</param>
    /// <param name="configure">Its requirements.</param>
    /// <returns>These options.</returns>
    public ScoringOptions Tier(string name, Action<TierDefinition>? configure = null)
    {
        var tier = new TierDefinition { Name = name };
        configure?.Invoke(tier);
        Tiers.Add(tier);
        return this;
    }
}

/// <summary>A tier and what it takes. Every requirement must hold.</summary>
public sealed class TierDefinition
{
    /// <summary>The name: the tier's id in events and queries, and its display name unless <see cref="DisplayNames"/> has one.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The display name per culture (<c>"zh-CN": "常客"</c>), in <see cref="TierProgress.TierDisplayName"/>; falls back to <see cref="Name"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Least composite score.</summary>
    [Range(0.0, double.MaxValue)]
    public double MinScore { get; set; }

    /// <summary>Least points balance (total) in <see cref="PointsCurrency"/>.</summary>
    [Range(typeof(decimal), "0", "1000000000000000")]
    public decimal MinPoints { get; set; }

    /// <summary>The currency of <see cref="MinPoints"/>.</summary>
    public string? PointsCurrency { get; set; }

    /// <summary>Least days since joining.</summary>
    [Range(0, 36_500)]
    public int MinTenureDays { get; set; }

    /// <summary>Least number of activities per type (for example <c>meetup.attended</c>: 3).</summary>
    public IDictionary<string, int> MinActivities { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Least strong ties.</summary>
    [Range(0, 1_000_000)]
    public int MinStrongTies { get; set; }

    /// <summary>Vouches needed from members at this tier or above (the high-threshold club). Default 0.</summary>
    [Range(0, 1000)]
    public int Endorsements { get; set; }

    /// <summary>Rolling-window and lifetime requirements on activity counts, sums, distinct days and values, given or received; penalties.</summary>
    public IList<TierRequirement> Requirements { get; } = [];

    /// <summary>After a promotion to this tier, the member is not demoted from it for this long, 0 to 365 days. Default 0 (Discourse's TL3: 14 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ProtectedAfterPromotion { get; set; }

    /// <summary>How long a member keeps this tier after falling short of it; <see langword="null"/> for <see cref="ScoringOptions.DemotionGrace"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan? DemotionGrace { get; set; }

    /// <summary>Adds a requirement.</summary>
    /// <param name="requirement">The requirement.</param>
    /// <returns>This tier.</returns>
    public TierDefinition Require(TierRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        Requirements.Add(requirement);
        return this;
    }

    /// <summary>Requires at least <paramref name="minimum"/> activities of a type (given or received), over a window or the whole history.</summary>
    /// <param name="activityType">The type; <see langword="null"/> for any.</param>
    /// <param name="minimum">The least count.</param>
    /// <param name="windowDays">The window in days; 0 for the whole history.</param>
    /// <param name="direction">Given (default) or received.</param>
    /// <returns>This tier.</returns>
    public TierDefinition Count(string? activityType, double minimum, int windowDays = 0, TierDirection direction = TierDirection.Given) =>
        Require(new TierRequirement { ActivityType = activityType, Minimum = minimum, WindowDays = windowDays, Direction = direction });

    /// <summary>Requires activity on at least <paramref name="minimum"/> distinct days, over a window or the whole history.</summary>
    /// <param name="minimum">The least number of days.</param>
    /// <param name="windowDays">The window in days; 0 for the whole history.</param>
    /// <param name="activityType">Only days with this type; <see langword="null"/> for any activity.</param>
    /// <returns>This tier.</returns>
    public TierDefinition DaysActive(double minimum, int windowDays = 0, string? activityType = null) =>
        Require(new TierRequirement { Measure = TierMeasure.DistinctDays, ActivityType = activityType, Minimum = minimum, WindowDays = windowDays });

    /// <summary>Allows at most <paramref name="maximum"/> activities of a type in the window (a penalty: flags, warnings).</summary>
    /// <param name="activityType">The type.</param>
    /// <param name="maximum">The most allowed.</param>
    /// <param name="windowDays">The window in days; 0 for the whole history.</param>
    /// <param name="direction">Received (default: flags on the member's posts) or given.</param>
    /// <returns>This tier.</returns>
    public TierDefinition AtMost(string activityType, double maximum, int windowDays, TierDirection direction = TierDirection.Received) =>
        Require(new TierRequirement { ActivityType = activityType, Maximum = maximum, WindowDays = windowDays, Direction = direction });
}
