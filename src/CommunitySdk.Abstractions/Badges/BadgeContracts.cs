namespace CommunitySdk.Badges;

/// <summary>A member earned a badge (automatically, by an operator's honour, or by a backfill).</summary>
public sealed record BadgeEarned : CommunityEvent
{
    /// <summary>The badge's id.</summary>
    public required string BadgeId { get; init; }

    /// <summary>The badge's family when it is one level of a levelled family.</summary>
    public string? Family { get; init; }

    /// <summary>The level within the family (1 = lowest), 0 for a badge outside a family.</summary>
    public int Level { get; init; }

    /// <summary>How many times the member now holds it (1 unless the badge is repeatable).</summary>
    public int Grants { get; init; } = 1;

    /// <summary>Granted by an operator (an honour) rather than by a criterion.</summary>
    public bool Manual { get; init; }

    /// <summary>The operator's reason for an honour.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Granted by a backfill over history after the badge was defined. Hosts usually suppress notifications
    /// for these so a new definition does not flood members with messages.
    /// </summary>
    public bool Backfill { get; init; }
}

/// <summary>A badge was taken away from a member.</summary>
public sealed record BadgeRevoked : CommunityEvent
{
    /// <summary>The badge's id.</summary>
    public required string BadgeId { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// Revoked because the badge's criterion stopped holding (opt-in per badge). An automatic revocation can
    /// be earned back; an operator's revocation stays until an operator grants the badge again.
    /// </summary>
    public bool Automatic { get; init; }
}

/// <summary>The activity types of badge commands, recorded in the log like any activity.</summary>
public static class BadgeActivityTypes
{
    /// <summary>An operator grants a badge (an honour).</summary>
    public const string Grant = "badges.grant";

    /// <summary>An operator revokes a badge.</summary>
    public const string Revoke = "badges.revoke";

    /// <summary>Grants every automatic badge whose criterion already holds over history.</summary>
    public const string Backfill = "badges.backfill";

    /// <summary>Attribute: the badge id.</summary>
    public const string BadgeAttribute = "badge";

    /// <summary>Attribute: the reason.</summary>
    public const string ReasonAttribute = "reason";
}

/// <summary>How a badge ranks, Stack Overflow style. Levelled families use their level instead.</summary>
public enum BadgeGrade
{
    /// <summary>No grade.</summary>
    None = 0,

    /// <summary>Bronze.</summary>
    Bronze = 1,

    /// <summary>Silver.</summary>
    Silver = 2,

    /// <summary>Gold.</summary>
    Gold = 3,
}

/// <summary>What a host shows about a badge.</summary>
/// <param name="Id">The id.</param>
/// <param name="Name">The display name.</param>
/// <param name="Description">The description.</param>
/// <param name="ImageKey">The host's image key.</param>
/// <param name="Grade">Bronze/silver/gold (or none).</param>
/// <param name="Family">The levelled family, if any.</param>
/// <param name="Level">The level within the family (1 = lowest), 0 outside a family.</param>
/// <param name="LevelName">The level's display name ("Silver", "Level 4"), if any.</param>
/// <param name="Repeatable">Whether it can be earned more than once.</param>
/// <param name="Hidden">Hidden until earned.</param>
/// <param name="ManualOnly">Only an operator grants it.</param>
public sealed record BadgeInfo(
    string Id,
    string Name,
    string? Description,
    string? ImageKey,
    BadgeGrade Grade,
    string? Family,
    int Level,
    string? LevelName,
    bool Repeatable,
    bool Hidden,
    bool ManualOnly);

/// <summary>A badge a member holds or has held.</summary>
/// <param name="Badge">The badge.</param>
/// <param name="Grants">How many times it is held (repeatable badges).</param>
/// <param name="FirstEarnedAt">When it was first earned.</param>
/// <param name="LastEarnedAt">When it was last earned.</param>
/// <param name="Revoked">Whether it is currently revoked.</param>
/// <param name="Displayed">
/// Whether a profile shows it: for a levelled family only the highest level held is displayed, the lower
/// ones stay in the history.
/// </param>
public sealed record MemberBadge(BadgeInfo Badge, int Grants, DateTimeOffset FirstEarnedAt, DateTimeOffset LastEarnedAt, bool Revoked, bool Displayed);

/// <summary>How far a member is towards an unearned badge: "3 of 5 meetups", "streak 4 of 7 days".</summary>
/// <param name="Badge">The badge.</param>
/// <param name="Current">The member's current value (capped at <paramref name="Target"/>).</param>
/// <param name="Target">The value that earns the badge.</param>
/// <param name="Unit">What is counted ("meetup.checkin", "days in a row", "points", ...).</param>
public sealed record BadgeProgress(BadgeInfo Badge, double Current, double Target, string Unit)
{
    /// <summary>Current / Target, between 0 and 1.</summary>
    public double Fraction => Target <= 0 ? 1 : Math.Clamp(Current / Target, 0, 1);
}

/// <summary>How rare a badge is.</summary>
/// <param name="Badge">The badge.</param>
/// <param name="Holders">Members currently holding it.</param>
/// <param name="Members">Members in the community.</param>
public sealed record BadgeRarity(BadgeInfo Badge, int Holders, int Members)
{
    /// <summary>Holders / Members (0 when the community has no members).</summary>
    public double Share => Members == 0 ? 0 : (double)Holders / Members;
}

/// <summary>The input a host criterion folds: an activity, or an event produced while recording it.</summary>
/// <param name="Activity">The activity being recorded.</param>
/// <param name="Event">The event that triggered the criterion, or <see langword="null"/> for the activity itself.</param>
/// <param name="At">The activity's effective time.</param>
/// <param name="LocalDate">The activity's date in the community's time zone.</param>
public readonly record struct BadgeTrigger(Activity Activity, CommunityEvent? Event, DateTimeOffset At, DateOnly LocalDate);

/// <summary>
/// A host-supplied badge criterion. It folds a per-member number from the activities and events it subscribes
/// to; the badge holds when the number reaches <see cref="Target"/>. Folding must be deterministic (use the
/// trigger, not the clock or a database) so that replay and backfill agree with live evaluation.
/// </summary>
public interface IBadgeCriterion
{
    /// <summary>The name a badge definition refers to (<c>"Kind": "custom", "Name": ...</c>).</summary>
    string Name { get; }

    /// <summary>The activity types that can change the value.</summary>
    IReadOnlyCollection<string> ActivityTypes { get; }

    /// <summary>The event types (produced by other features while recording) that can change the value.</summary>
    IReadOnlyCollection<Type> EventTypes { get; }

    /// <summary>The value at which the badge holds.</summary>
    double Target { get; }

    /// <summary>The member's new value after <paramref name="trigger"/>.</summary>
    /// <param name="current">The member's value so far (0 at first).</param>
    /// <param name="trigger">The activity or event.</param>
    /// <returns>The new value.</returns>
    double Fold(double current, BadgeTrigger trigger);
}

/// <summary>The operation named a badge that is not defined.</summary>
public sealed class BadgeNotFoundException : CommunityValidationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="badgeId">The unknown id.</param>
    public BadgeNotFoundException(string badgeId)
        : base("badge", $"'{badgeId}' is not a defined badge") => BadgeId = badgeId;

    /// <summary>The unknown id.</summary>
    public string BadgeId { get; }
}

/// <summary>Badges: honours, revocation, backfill and what members hold, how far they are, how rare each is.</summary>
public interface IBadgeService
{
    /// <summary>Every defined badge, in definition order.</summary>
    IReadOnlyList<BadgeInfo> Definitions { get; }

    /// <summary>An operator grants a badge with a reason (an honour). Granting an unknown badge is a <see cref="BadgeNotFoundException"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="badgeId">The badge.</param>
    /// <param name="reason">Why (shown to the member).</param>
    /// <param name="idempotencyKey">The command's idempotency key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome; its effects hold the <see cref="BadgeEarned"/>.</returns>
    ValueTask<ActivityOutcome> GrantAsync(CommunityId community, MemberId member, string badgeId, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator revokes a badge the member holds, with a reason.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="badgeId">The badge.</param>
    /// <param name="reason">Why.</param>
    /// <param name="idempotencyKey">The command's idempotency key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome; its effects hold the <see cref="BadgeRevoked"/>.</returns>
    ValueTask<ActivityOutcome> RevokeAsync(CommunityId community, MemberId member, string badgeId, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Grants every automatic badge whose criterion already holds over the community's history (after a badge
    /// was added to the definitions). The grants carry <see cref="BadgeEarned.Backfill"/> = true.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="idempotencyKey">The command's idempotency key (e.g. one per deployment).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome; its effects hold the grants.</returns>
    ValueTask<ActivityOutcome> BackfillAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>The badges a member holds or has held, in definition order.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The badges.</returns>
    ValueTask<IReadOnlyList<MemberBadge>> GetBadgesAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Progress towards every visible automatic badge the member has not earned.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The progress, in definition order.</returns>
    ValueTask<IReadOnlyList<BadgeProgress>> GetProgressAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>How many members hold each badge, and what share of the community that is.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One entry per badge, in definition order.</returns>
    ValueTask<IReadOnlyList<BadgeRarity>> GetRarityAsync(CommunityId community, CancellationToken cancellationToken = default);
}
