using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// How <c>app.MapCommunityEndpoints()</c> authorizes and whom it
/// serves. Every endpoint needs an authenticated user; a member's own data is read only through <c>/me</c>
/// routes, which take the member from the user (never from the request); admin routes need
/// <see cref="AdminPolicy"/> and are not mapped without one.
/// </summary>
public sealed class CommunityEndpointOptions
{
    /// <summary>
    /// The authorization policy of the admin endpoints (manual awards, honours, revocations, referral holds).
    /// <see langword="null"/> (default): admin endpoints are not mapped.
    /// </summary>
    public string? AdminPolicy { get; set; }

    /// <summary>
    /// The authorization policy of the member endpoints; <see langword="null"/> (default) requires an
    /// authenticated user.
    /// </summary>
    public string? MemberPolicy { get; set; }

    /// <summary>
    /// The signed-in user's member id, or <see langword="null"/> when the user is not a member (403).
    /// Default: the <see cref="ClaimTypes.NameIdentifier"/> claim, else <c>sub</c>.
    /// </summary>
    public Func<ClaimsPrincipal, MemberId?> MemberOf { get; set; } = DefaultMemberOf;

    /// <summary>
    /// Whether the user may use the community named in the route (default: any). Return <see langword="false"/>
    /// for a tenant the user does not belong to (403).
    /// </summary>
    public Func<HttpContext, CommunityId, bool> CanAccessCommunity { get; set; } = static (_, _) => true;

    /// <summary>Activity types a member may record through <c>POST activities</c>; empty (default) allows any.</summary>
    public ISet<string> MemberActivityTypes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The largest leaderboard page (<c>count</c>) a request may ask for. Default 100.</summary>
    public int MaxLeaderboardCount { get; set; } = 100;

    private static MemberId? DefaultMemberOf(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub");
        return MemberId.TryCreate(id, out var member) ? member : null;
    }
}

/// <summary>The hosted background jobs, all driven by the registered <see cref="TimeProvider"/>.</summary>
public sealed class CommunityJobOptions
{
    /// <summary>Communities the expiry sweep and tier review visit; empty: those configured in <c>CommunityOptions.Communities</c>.</summary>
    public IList<string> Communities { get; } = [];

    /// <summary>How often the outbox relay runs (publishes pending events). Default 5 s; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan OutboxRelayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired points lots are swept. Default 1 h; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often tiers are re-evaluated. Default 24 h; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan TierReviewInterval { get; set; } = TimeSpan.FromHours(24);
}
