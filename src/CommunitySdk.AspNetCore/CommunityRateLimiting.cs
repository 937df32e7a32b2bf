using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore;

/// <summary>
/// Rate limiting for the member write endpoints, on ASP.NET Core's rate limiter: a per-user fixed-window policy and
/// ProblemDetails (429 with <c>Retry-After</c>) for refused requests. Name the policy in
/// <see cref="CommunityEndpointOptions.MemberWriteRateLimitPolicy"/> and call <c>app.UseRateLimiter()</c>.
/// </summary>
public static class CommunityRateLimiting
{
    /// <summary>
    /// Adds a fixed-window policy partitioned by the signed-in user (<see cref="ClaimTypes.NameIdentifier"/>, else
    /// <c>sub</c>, else the remote address), and makes every refusal of the limiter a 429 ProblemDetails.
    /// </summary>
    /// <param name="options">The rate limiter options (<c>services.AddRateLimiter(o =&gt; o.AddCommunityMemberPolicy(...))</c>).</param>
    /// <param name="policyName">The policy name, for example <c>community-writes</c>.</param>
    /// <param name="permitsPerWindow">Requests one user may make per window.</param>
    /// <param name="window">The window. Default one minute.</param>
    /// <returns>The options.</returns>
    public static RateLimiterOptions AddCommunityMemberPolicy(this RateLimiterOptions options, string policyName, int permitsPerWindow, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerWindow, 1);
        var length = window ?? TimeSpan.FromMinutes(1);
        options.AddPolicy(policyName, http => RateLimitPartition.GetFixedWindowLimiter(
            http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.User.FindFirstValue("sub") ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerWindow, Window = length, QueueLimit = 0 }));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = static async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            var problems = http.RequestServices.GetService<IProblemDetailsService>();
            var written = problems is not null && await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Slow down: the rate limit of this endpoint was reached." },
            }).ConfigureAwait(false);
            if (!written)
            {
                await http.Response.WriteAsJsonAsync(new { status = 429, title = "Too many requests" }, cancellationToken).ConfigureAwait(false);
            }
        };
        return options;
    }
}
