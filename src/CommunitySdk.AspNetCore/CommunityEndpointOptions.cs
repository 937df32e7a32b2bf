using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// How <c>app.MapCommunityEndpoints()</c> authorizes and whom it serves. Safe by default:
/// <list type="bullet">
/// <item>every endpoint needs an authenticated user (401 ProblemDetails otherwise); a member's own data is read
/// only through <c>/me</c> routes, which take the member from the user, never from the request;</item>
/// <item>members may record no activity type until the host lists it in <see cref="MemberActivityTypes"/>, and
/// never a command type (<c>points.*</c>, <c>badges.*</c>, ...), whatever this list says;</item>
/// <item>admin routes need <see cref="AdminPolicy"/> (not mapped without one) and <see cref="CanAdministerCommunity"/>;</item>
/// <item>an undeclared community is 404; bodies are limited to <see cref="MaxRequestBodySize"/>;</item>
/// <item>leaderboards and invite trees show display names, not member ids (<see cref="ExposeMemberIds"/>).</item>
/// </list>
/// </summary>
public sealed class CommunityEndpointOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Endpoints";

    /// <summary>
    /// The authorization policy of the admin endpoints (manual awards, honours, revocations, referral holds).
    /// <see langword="null"/> (default): admin endpoints are not mapped.
    /// </summary>
    public string? AdminPolicy { get; set; }

    /// <summary>
    /// The authorization policy of the member endpoints; <see langword="null"/> (default) uses the default policy
    /// (an authenticated user).
    /// </summary>
    public string? MemberPolicy { get; set; }

    /// <summary>
    /// The name of an ASP.NET Core rate-limiter policy applied to the member write endpoints (<c>POST activities</c>,
    /// <c>me/join</c>, <c>me/invite-code</c>). The host adds the policy with <c>AddRateLimiter</c> (see
    /// <see cref="CommunityRateLimiting"/>) and calls <c>app.UseRateLimiter()</c>. <see langword="null"/> (default): none.
    /// </summary>
    public string? MemberWriteRateLimitPolicy { get; set; }

    /// <summary>
    /// The signed-in user's member id, or <see langword="null"/> when the user is not a member (403).
    /// Default: the <see cref="ClaimTypes.NameIdentifier"/> claim, else <c>sub</c>.
    /// </summary>
    public Func<ClaimsPrincipal, MemberId?> MemberOf { get; set; } = DefaultMemberOf;

    /// <summary>
    /// Whether the user may use the community named in the route (default: any declared community). Return
    /// <see langword="false"/> for a tenant the user does not belong to (403).
    /// </summary>
    public Func<HttpContext, CommunityId, bool> CanAccessCommunity { get; set; } = static (_, _) => true;

    /// <summary>
    /// Whether a user who passed <see cref="AdminPolicy"/> administers the community named in the route (default:
    /// every community). Scope admin rights per community here, for example
    /// <c>(http, c) =&gt; http.User.HasClaim("community-admin", c.Value)</c> (403 otherwise).
    /// </summary>
    public Func<HttpContext, CommunityId, bool> CanAdministerCommunity { get; set; } = static (_, _) => true;

    /// <summary>
    /// The activity types a member may record through <c>POST activities</c>, each with its bounds. Empty (default):
    /// members may record nothing. Command types are never accepted, whatever this map says (start-up validation
    /// rejects them). Value-bearing business facts such as <c>order.completed</c> belong to the host's server code,
    /// not here: a browser can send any value.
    /// </summary>
    public IDictionary<string, MemberActivityPolicy> MemberActivityTypes { get; } = new Dictionary<string, MemberActivityPolicy>(StringComparer.Ordinal);

    /// <summary>
    /// The profile attributes a member may set when joining through <c>POST me/join</c>. Default <c>display_name</c>
    /// and <c>city</c>. Attributes that carry rights (<c>segments</c>, which gates inviting into a segment) are set
    /// by the host.
    /// </summary>
    public ISet<string> MemberProfileAttributes { get; } = new HashSet<string>(StringComparer.Ordinal) { ProfileKeys.DisplayName, ProfileKeys.City };

    /// <summary>The largest request body in bytes, 1 KB to 16 MB. Default 64 KB. Larger bodies are refused (413) before they are read.</summary>
    public long MaxRequestBodySize { get; set; } = 64 * 1024;

    /// <summary>The largest leaderboard page (<c>count</c>) a request may ask for. Default 100.</summary>
    public int MaxLeaderboardCount { get; set; } = 100;

    /// <summary>
    /// Whether responses about other members (leaderboards, invitees, invite trees) include their member ids.
    /// Default <see langword="false"/>: only display names (<see cref="MemberInfo.DisplayName"/>), since a shop's user
    /// id can be an e-mail address.
    /// </summary>
    public bool ExposeMemberIds { get; set; }

    /// <summary>Lets members record <paramref name="activityType"/> through <c>POST activities</c>, within the bounds <paramref name="configure"/> sets.</summary>
    /// <param name="activityType">The activity type, for example <c>post.created</c>.</param>
    /// <param name="configure">Its bounds (largest value, attributes, hourly limit).</param>
    /// <returns>These options.</returns>
    public CommunityEndpointOptions AllowMemberActivity(string activityType, Action<MemberActivityPolicy>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activityType);
        if (!MemberActivityTypes.TryGetValue(activityType, out var policy))
        {
            MemberActivityTypes[activityType] = policy = new MemberActivityPolicy();
        }

        configure?.Invoke(policy);
        return this;
    }

    private static MemberId? DefaultMemberOf(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub");
        return MemberId.TryCreate(id, out var member) ? member : null;
    }
}

/// <summary>The bounds of one activity type members may record themselves.</summary>
public sealed class MemberActivityPolicy
{
    /// <summary>
    /// The largest <see cref="Activity.Value"/> a member may send (and the value must not be negative).
    /// <see langword="null"/> (default): the type takes no value, and a request with one is refused.
    /// </summary>
    public decimal? MaxValue { get; set; }

    /// <summary>The attribute names a member may send with this type; empty (default): none.</summary>
    public ISet<string> Attributes { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The most activities of this type one member may record per hour (in this process; use
    /// <see cref="CommunityEndpointOptions.MemberWriteRateLimitPolicy"/> for limits shared by instances).
    /// <see langword="null"/> (default): no hourly limit.
    /// </summary>
    public int? MaxPerHour { get; set; }

    /// <summary>Allows attributes.</summary>
    /// <param name="names">The attribute names.</param>
    /// <returns>This policy.</returns>
    public MemberActivityPolicy Allow(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            Attributes.Add(name);
        }

        return this;
    }
}

/// <summary>The hosted background jobs, all driven by the registered <see cref="TimeProvider"/>.</summary>
public sealed class CommunityJobOptions
{
    /// <summary>The conventional configuration section: <c>Community:Jobs</c>.</summary>
    public const string SectionName = "Community:Jobs";

    /// <summary>Communities the expiry sweep and tier review visit; empty: those configured in <c>CommunityOptions.Communities</c>.</summary>
    public IList<string> Communities { get; } = [];

    /// <summary>How often the outbox relay runs (publishes pending events). Default 5 s; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan OutboxRelayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired points lots are swept. Default 1 h; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often tiers are re-evaluated. Default 24 h; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan TierReviewInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often free-text retention is applied (<see cref="IActivityRetention"/>; it does nothing unless
    /// <c>Community:Privacy:FreeTextRetention</c> is set). Default 24 h; <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether the communities are folded (from their snapshot and the log after it) as soon as the host starts, in
    /// the background, rather than on their first request. Requests that arrive meanwhile share that fold. Default
    /// <see langword="true"/>.
    /// </summary>
    public bool WarmUpOnStart { get; set; } = true;
}
