using System.ComponentModel.DataAnnotations;

namespace CommunitySdk.Badges;

/// <summary>
/// Badge definitions. Bind from configuration (section <c>Community:Badges</c>) or build in code; both can be
/// combined. Validated when the host starts: duplicate ids, empty families, negative thresholds, unknown
/// criterion kinds and cyclic prerequisites fail with the badge id and the reason.
/// </summary>
public sealed class BadgeOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Badges";

    /// <summary>Stand-alone badges.</summary>
    public IList<BadgeDefinition> Badges { get; } = [];

    /// <summary>Levelled families (bronze → silver → gold).</summary>
    public IList<BadgeFamily> Families { get; } = [];

    /// <summary>Adds a stand-alone automatic badge.</summary>
    /// <param name="id">The id (stable: it is stored in events).</param>
    /// <param name="name">The display name.</param>
    /// <param name="criterion">When it is earned.</param>
    /// <param name="configure">Sets the other fields.</param>
    /// <returns>These options.</returns>
    public BadgeOptions Badge(string id, string name, BadgeCriterion criterion, Action<BadgeDefinition>? configure = null)
    {
        var badge = new BadgeDefinition { Id = id, Name = name, Criterion = criterion };
        configure?.Invoke(badge);
        Badges.Add(badge);
        return this;
    }

    /// <summary>Adds a badge only an operator grants (an honour, "the popcorn award").</summary>
    /// <param name="id">The id.</param>
    /// <param name="name">The display name.</param>
    /// <param name="configure">Sets the other fields.</param>
    /// <returns>These options.</returns>
    public BadgeOptions Honour(string id, string name, Action<BadgeDefinition>? configure = null)
    {
        var badge = new BadgeDefinition { Id = id, Name = name, ManualOnly = true };
        configure?.Invoke(badge);
        Badges.Add(badge);
        return this;
    }

    /// <summary>
    /// Adds a levelled family, lowest level first. Level ids are <c>{family}-{level name in lower case}</c>.
    /// </summary>
    /// <param name="id">The family id.</param>
    /// <param name="name">The family's display name.</param>
    /// <param name="levels">Each level's name and criterion, lowest first.</param>
    /// <returns>These options.</returns>
    public BadgeOptions Family(string id, string name, params (string LevelName, BadgeCriterion Criterion)[] levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var family = new BadgeFamily { Id = id, Name = name };
        foreach (var (levelName, criterion) in levels)
        {
            family.Levels.Add(new BadgeLevel { Name = levelName, Criterion = criterion });
        }

        Families.Add(family);
        return this;
    }
}

/// <summary>One badge.</summary>
public sealed class BadgeDefinition
{
    /// <summary>The id: lowercase letters, digits, '.', '_' and '-'; stable, because events store it.</summary>
    [Required]
    public string Id { get; set; } = "";

    /// <summary>The display name.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The description shown to members.</summary>
    public string? Description { get; set; }

    /// <summary>The display name per culture (<c>"zh-CN": "首单"</c>); queries answer in the current UI culture, falling back to <see cref="Name"/>. See <see cref="CommunitySdk.DisplayNames"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The description per culture; falls back to <see cref="Description"/>.</summary>
    public IDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The host's image key.</summary>
    public string? ImageKey { get; set; }

    /// <summary>Bronze, silver or gold (Stack Overflow style). Default none.</summary>
    public BadgeGrade Grade { get; set; }

    /// <summary>Earned again each time the criterion holds anew (counts start over after each grant). Default once.</summary>
    public bool Repeatable { get; set; }

    /// <summary>Not listed (nor its progress) until the member earns it.</summary>
    public bool Hidden { get; set; }

    /// <summary>Only an operator grants it; it has no criterion.</summary>
    public bool ManualOnly { get; set; }

    /// <summary>Revoke automatically when the criterion stops holding (a windowed count, a lost tier). Default off.</summary>
    public bool AutoRevoke { get; set; }

    /// <summary>Badges the member must hold first.</summary>
    public IList<string> Requires { get; } = [];

    /// <summary>When it is earned; required unless <see cref="ManualOnly"/>.</summary>
    public BadgeCriterion? Criterion { get; set; }
}

/// <summary>A levelled family: one badge per level, each with its own threshold; a level requires the one below.</summary>
public sealed class BadgeFamily
{
    /// <summary>The family id.</summary>
    [Required]
    public string Id { get; set; } = "";

    /// <summary>The display name; a level shows as "{Name} ({level name})".</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The description shown to members.</summary>
    public string? Description { get; set; }

    /// <summary>The display name per culture (<c>"zh-CN": "首单"</c>); queries answer in the current UI culture, falling back to <see cref="Name"/>. See <see cref="CommunitySdk.DisplayNames"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The description per culture; falls back to <see cref="Description"/>.</summary>
    public IDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The levels, lowest first. A family needs at least one.</summary>
    public IList<BadgeLevel> Levels { get; } = [];
}

/// <summary>One level of a family.</summary>
public sealed class BadgeLevel
{
    /// <summary>The level's name ("Bronze", "Level 2"). Default "Level n".</summary>
    public string? Name { get; set; }

    /// <summary>The level's name per culture (<c>"zh-CN": "铜牌"</c>); falls back to <see cref="Name"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The badge id; default <c>{family}-{name in lower case}</c>.</summary>
    public string? Id { get; set; }

    /// <summary>The host's image key.</summary>
    public string? ImageKey { get; set; }

    /// <summary>Revoke automatically when the criterion stops holding.</summary>
    public bool AutoRevoke { get; set; }

    /// <summary>When it is earned.</summary>
    public BadgeCriterion? Criterion { get; set; }
}

/// <summary>The kinds of <see cref="BadgeCriterion"/>.</summary>
public enum BadgeCriterionKind
{
    /// <summary>Activities of <see cref="BadgeCriterion.ActivityType"/> ≥ AtLeast, optionally within <see cref="BadgeCriterion.Window"/>.</summary>
    Count,

    /// <summary>AtLeast consecutive days (community time zone) with an activity of the type.</summary>
    Streak,

    /// <summary>Points earned in <see cref="BadgeCriterion.Currency"/> ≥ AtLeast (reversed awards stop counting).</summary>
    PointsEarned,

    /// <summary>Qualified referrals (invitees who did the qualifying action) ≥ AtLeast.</summary>
    QualifiedReferrals,

    /// <summary>The member's tier is one of <see cref="BadgeCriterion.Tiers"/>.</summary>
    Tier,

    /// <summary>The member's engagement score (after an activity) ≥ AtLeast.</summary>
    Engagement,

    /// <summary>Distinct values of <see cref="BadgeCriterion.Attribute"/> on activities of the type ≥ AtLeast (distinct events attended).</summary>
    DistinctValues,

    /// <summary>The first member of the community to record an activity of the type.</summary>
    FirstToDo,

    /// <summary>Every criterion in <see cref="BadgeCriterion.Of"/>.</summary>
    AllOf,

    /// <summary>At least one criterion in <see cref="BadgeCriterion.Of"/>.</summary>
    AnyOf,

    /// <summary>A host-supplied <see cref="IBadgeCriterion"/> registered under <see cref="BadgeCriterion.Name"/>.</summary>
    Custom,
}

/// <summary>
/// When a badge is earned. Build with <see cref="BadgeCriteria"/> in code, or bind from configuration
/// (<c>{ "Kind": "Count", "ActivityType": "meetup.checkin", "AtLeast": 5, "Window": "30.00:00:00" }</c>).
/// </summary>
public sealed class BadgeCriterion
{
    /// <summary>The kind.</summary>
    public BadgeCriterionKind Kind { get; set; }

    /// <summary>The activity type (Count, Streak, DistinctValues, FirstToDo).</summary>
    public string? ActivityType { get; set; }

    /// <summary>The threshold; must not be negative.</summary>
    public double AtLeast { get; set; }

    /// <summary>A rolling window for Count.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>The currency for PointsEarned.</summary>
    public string? Currency { get; set; }

    /// <summary>The attribute whose distinct values count (DistinctValues). Default <c>event</c>.</summary>
    public string? Attribute { get; set; }

    /// <summary>The tiers that satisfy a Tier criterion.</summary>
    public IList<string> Tiers { get; } = [];

    /// <summary>The parts of AllOf / AnyOf.</summary>
    public IList<BadgeCriterion> Of { get; } = [];

    /// <summary>The registered <see cref="IBadgeCriterion.Name"/> for Custom.</summary>
    public string? Name { get; set; }
}

/// <summary>Builds <see cref="BadgeCriterion"/> values in code.</summary>
public static class BadgeCriteria
{
    /// <summary>At least <paramref name="atLeast"/> activities of a type, optionally within a rolling window.</summary>
    /// <param name="activityType">The type.</param>
    /// <param name="atLeast">The count.</param>
    /// <param name="window">The rolling window, or <see langword="null"/> for all time.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion Count(string activityType, int atLeast, TimeSpan? window = null) =>
        new() { Kind = BadgeCriterionKind.Count, ActivityType = activityType, AtLeast = atLeast, Window = window };

    /// <summary>Activities of a type on <paramref name="days"/> consecutive days in the community's time zone.</summary>
    /// <param name="activityType">The type.</param>
    /// <param name="days">The streak length.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion Streak(string activityType, int days) =>
        new() { Kind = BadgeCriterionKind.Streak, ActivityType = activityType, AtLeast = days };

    /// <summary>At least <paramref name="atLeast"/> points earned in a currency.</summary>
    /// <param name="currency">The currency.</param>
    /// <param name="atLeast">The amount.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion PointsEarned(string currency, double atLeast) =>
        new() { Kind = BadgeCriterionKind.PointsEarned, Currency = currency, AtLeast = atLeast };

    /// <summary>At least <paramref name="atLeast"/> qualified referrals.</summary>
    /// <param name="atLeast">The count.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion QualifiedReferrals(int atLeast) =>
        new() { Kind = BadgeCriterionKind.QualifiedReferrals, AtLeast = atLeast };

    /// <summary>The member's tier is one of <paramref name="tiers"/>.</summary>
    /// <param name="tiers">The tiers.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion Tier(params string[] tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        var criterion = new BadgeCriterion { Kind = BadgeCriterionKind.Tier, AtLeast = 1 };
        foreach (var tier in tiers)
        {
            criterion.Tiers.Add(tier);
        }

        return criterion;
    }

    /// <summary>An engagement score of at least <paramref name="atLeast"/> right after an activity.</summary>
    /// <param name="atLeast">The score.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion Engagement(double atLeast) => new() { Kind = BadgeCriterionKind.Engagement, AtLeast = atLeast };

    /// <summary>Distinct values of an attribute (events attended) on activities of a type.</summary>
    /// <param name="activityType">The type.</param>
    /// <param name="atLeast">The number of distinct values.</param>
    /// <param name="attribute">The attribute. Default <c>event</c>.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion DistinctValues(string activityType, int atLeast, string attribute = "event") =>
        new() { Kind = BadgeCriterionKind.DistinctValues, ActivityType = activityType, AtLeast = atLeast, Attribute = attribute };

    /// <summary>The first member of the community to record an activity of a type.</summary>
    /// <param name="activityType">The type.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion FirstToDo(string activityType) =>
        new() { Kind = BadgeCriterionKind.FirstToDo, ActivityType = activityType, AtLeast = 1 };

    /// <summary>All of the parts.</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion AllOf(params BadgeCriterion[] parts) => Composite(BadgeCriterionKind.AllOf, parts);

    /// <summary>Any of the parts.</summary>
    /// <param name="parts">The parts.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion AnyOf(params BadgeCriterion[] parts) => Composite(BadgeCriterionKind.AnyOf, parts);

    /// <summary>A host-supplied <see cref="IBadgeCriterion"/> registered with <c>AddBadgeCriterion</c>.</summary>
    /// <param name="name">Its <see cref="IBadgeCriterion.Name"/>.</param>
    /// <returns>The criterion.</returns>
    public static BadgeCriterion Custom(string name) => new() { Kind = BadgeCriterionKind.Custom, Name = name };

    private static BadgeCriterion Composite(BadgeCriterionKind kind, BadgeCriterion[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var criterion = new BadgeCriterion { Kind = kind };
        foreach (var part in parts)
        {
            criterion.Of.Add(part);
        }

        return criterion;
    }
}
