namespace CommunitySdk;

/// <summary>
/// Tells which communities (tenants) exist. Every write and every read of the SDK asks it first; an unknown
/// community is refused with <see cref="UnknownCommunityException"/> before anything is allocated for it, so a
/// typo cannot split a community and a stranger cannot make the process keep state for made-up ids.
/// The default reads <c>CommunityOptions.Communities</c>; a host whose tenants live in its own database
/// registers its own implementation (answer from a cache: it is called on every request).
/// </summary>
public interface ICommunityResolver
{
    /// <summary>Whether the community exists.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    ValueTask<bool> ExistsAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>
/// Which activity types are <em>commands</em>: points awards, badge grants, referral decisions, tier locks,
/// bans and everything else only the host may decide. Trusted host code records them through the typed
/// services (<c>IPointsService.AwardAsync</c>, ...) or <see cref="ICommunity.RecordAsync"/>; member-facing
/// endpoints refuse them whatever their options say. Each feature reserves its own namespace
/// (<c>points.</c>, <c>badges.</c>, ...).
/// </summary>
public interface ICommandActivityTypes
{
    /// <summary>The reserved types and namespaces; a namespace ends with a dot (<c>points.</c>).</summary>
    IReadOnlyCollection<string> Reserved { get; }

    /// <summary>Whether <paramref name="activityType"/> is a command.</summary>
    /// <param name="activityType">The activity type.</param>
    /// <returns><see langword="true"/> for a command.</returns>
    bool IsCommand(string activityType);
}

/// <summary>
/// The activity types the registered features name in their rules (points rules, badge criteria, the types members may
/// record through the endpoints): options validation uses it to catch a misspelt type, which would otherwise never match.
/// </summary>
public interface IKnownActivityTypes
{
    /// <summary>Whether a feature's rules name <paramref name="activityType"/>.</summary>
    /// <param name="activityType">The activity type.</param>
    /// <returns><see langword="true"/> when some rule names it.</returns>
    bool IsKnown(string activityType);
}
