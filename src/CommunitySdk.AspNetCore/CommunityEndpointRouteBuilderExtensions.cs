using CommunitySdk;
using CommunitySdk.AspNetCore;
using CommunitySdk.AspNetCore.Internal;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CommunitySdk JSON endpoints.</summary>
public static class CommunityEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the community endpoints under <c>{prefix}/{community}</c>: <c>POST activities</c>, <c>POST me/join</c>;
    /// <c>GET me/balances</c>, <c>me/history</c>, <c>me/badges</c>, <c>me/progress</c>, <c>me/rank</c>,
    /// <c>me/invite-code</c>, <c>me/invitees</c>, <c>me/invite-tree</c>; <c>GET leaderboards/{board}</c>; and, when
    /// <see cref="CommunityEndpointOptions.AdminPolicy"/> is set, <c>admin/...</c> (manual awards, honours,
    /// revocations, referral holds). A feature's endpoints are mapped only when its package is registered.
    /// Errors are ProblemDetails naming the field and reason.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix. Default <c>/api/community</c>.</param>
    /// <returns>The route group, to add conventions (rate limiting, CORS, OpenAPI) to.</returns>
    public static RouteGroupBuilder MapCommunityEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/api/community")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var services = endpoints.ServiceProvider;
        var options = services.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value;
        var root = endpoints.MapGroup(prefix.TrimEnd('/') + "/{community}").WithTags("Community");

        var member = root.MapGroup(string.Empty).AddEndpointFilter((c, n) => CommunityHttp.FilterAsync(c, n, options, needsMember: true));
        if (options.MemberPolicy is { } memberPolicy)
        {
            member.RequireAuthorization(memberPolicy);
        }
        else
        {
            member.RequireAuthorization();
        }

        member.MapPost("activities", RecordAsync).WithName("RecordActivity");
        member.MapPost("me/join", async Task<IResult> (HttpContext http, IMemberDirectory directory, JoinRequest? request, CancellationToken ct) =>
            CommunityHttp.Ok(ActivityResult.From(await directory.JoinAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), request, ct).ConfigureAwait(false))));
        var has = (Type t) => services.GetService(t) is not null;
        if (has(typeof(IPointsService)))
        {
            member.MapGet("me/balances", async Task<IResult> (HttpContext http, IPointsService points, CancellationToken ct) =>
                CommunityHttp.Ok(await points.GetBalancesAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)));
            member.MapGet("me/history", async Task<IResult> (HttpContext http, IPointsService points, string? currency, int? pageSize, long? beforeActivity, int? beforeIndex, CancellationToken ct) =>
            {
                var before = beforeActivity is { } a ? new LedgerCursor(a, beforeIndex ?? 0) : null;
                return CommunityHttp.Ok(await points.GetHistoryAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), new LedgerPageRequest(currency, pageSize ?? 20, before), ct).ConfigureAwait(false));
            });
        }

        if (has(typeof(IBadgeService)))
        {
            member.MapGet("me/badges", async Task<IResult> (HttpContext http, IBadgeService badges, CancellationToken ct) =>
                CommunityHttp.Ok(await badges.GetBadgesAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)));
            member.MapGet("me/progress", async Task<IResult> (HttpContext http, IBadgeService badges, CancellationToken ct) =>
                CommunityHttp.Ok(await badges.GetProgressAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)));
        }

        if (has(typeof(IScoringService)))
        {
            member.MapGet("me/rank", async Task<IResult> (HttpContext http, IScoringService scoring, string? board, string? segment, CancellationToken ct) =>
                Board(board, segment) is { } key
                    ? CommunityHttp.Ok(await scoring.RankAsync(CommunityHttp.Community(http), key, CommunityHttp.Me(http), ct).ConfigureAwait(false))
                    : BadBoard());
            member.MapGet("leaderboards/{board}", async Task<IResult> (HttpContext http, IScoringService scoring, string board, string? segment, int? count, CancellationToken ct) =>
            {
                if (Board(board, segment) is not { } key)
                {
                    return BadBoard();
                }

                var take = count ?? 10;
                if (take < 1 || take > options.MaxLeaderboardCount)
                {
                    return CommunityHttp.Validation("count", $"must be between 1 and {options.MaxLeaderboardCount}");
                }

                return CommunityHttp.Ok(await scoring.TopAsync(CommunityHttp.Community(http), key, take, ct).ConfigureAwait(false));
            });
            member.MapGet("segments", async Task<IResult> (HttpContext http, IScoringService scoring, CancellationToken ct) =>
                CommunityHttp.Ok(await scoring.SegmentRankingAsync(CommunityHttp.Community(http), ct).ConfigureAwait(false)));
        }

        if (has(typeof(IReferralService)))
        {
            member.MapGet("me/invite-code", async Task<IResult> (HttpContext http, IReferralService referrals, CancellationToken ct) =>
                CommunityHttp.Ok(await referrals.GetOrCreateCodeAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)));
            member.MapGet("me/invitees", async Task<IResult> (HttpContext http, IInviteGraph graph, int? skip, int? take, CancellationToken ct) =>
                CommunityHttp.Ok(await graph.GetInviteesAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), skip ?? 0, take ?? 100, ct).ConfigureAwait(false)));
            member.MapGet("me/invite-tree", async Task<IResult> (HttpContext http, IInviteGraph graph, int? depth, CancellationToken ct) =>
            {
                var levels = depth ?? 3;
                if (levels is < 1 or > 6)
                {
                    return CommunityHttp.Validation("depth", "must be between 1 and 6");
                }

                return CommunityHttp.Ok(await InviteTrees.BuildAsync(graph, CommunityHttp.Community(http), CommunityHttp.Me(http), levels, ct).ConfigureAwait(false));
            });
        }

        if (options.AdminPolicy is { } adminPolicy)
        {
            MapAdmin(root.MapGroup("admin").RequireAuthorization(adminPolicy).AddEndpointFilter((c, n) => CommunityHttp.FilterAsync(c, n, options, needsMember: false)), has);
        }

        return root;

        async Task<IResult> RecordAsync(HttpContext http, ICommunity community, RecordActivityRequest request, CancellationToken ct)
        {
            if (options.MemberActivityTypes.Count > 0 && !options.MemberActivityTypes.Contains(request.Type ?? string.Empty))
            {
                return CommunityHttp.Validation("type", "may not be recorded by members");
            }

            var outcome = await community.RecordAsync(
                new Activity
                {
                    Community = CommunityHttp.Community(http),
                    Member = CommunityHttp.Me(http),
                    Type = request.Type!,
                    IdempotencyKey = request.IdempotencyKey!,
                    Value = request.Value,
                    Attributes = request.Attributes ?? new Dictionary<string, string>(),
                },
                ct).ConfigureAwait(false);
            return CommunityHttp.Ok(ActivityResult.From(outcome));
        }
    }

    private static void MapAdmin(RouteGroupBuilder admin, Func<Type, bool> has)
    {
        if (has(typeof(IPointsService)))
        {
            admin.MapPost("awards", async Task<IResult> (HttpContext http, IPointsService points, ManualAwardRequest request, CancellationToken ct) =>
            {
                var member = new MemberId(request.Member);
                var community = CommunityHttp.Community(http);
                var outcome = request.Amount >= 0
                    ? await points.AwardAsync(community, member, request.Currency, request.Amount, request.Reason, request.IdempotencyKey, ct).ConfigureAwait(false)
                    : await points.DeductAsync(community, member, request.Currency, -request.Amount, request.Reason, request.IdempotencyKey, ct).ConfigureAwait(false);
                return CommunityHttp.Ok(ActivityResult.From(outcome));
            });
            admin.MapGet("members/{member}/balances", async Task<IResult> (HttpContext http, IPointsService points, string member, CancellationToken ct) =>
                CommunityHttp.Ok(await points.GetBalancesAsync(CommunityHttp.Community(http), new MemberId(member), ct).ConfigureAwait(false)));
        }

        if (has(typeof(IBadgeService)))
        {
            admin.MapPost("honours", async Task<IResult> (HttpContext http, IBadgeService badges, BadgeDecisionRequest request, CancellationToken ct) =>
                CommunityHttp.Ok(ActivityResult.From(await badges.GrantAsync(CommunityHttp.Community(http), new MemberId(request.Member), request.BadgeId, request.Reason, request.IdempotencyKey, ct).ConfigureAwait(false))));
            admin.MapPost("revocations", async Task<IResult> (HttpContext http, IBadgeService badges, BadgeDecisionRequest request, CancellationToken ct) =>
                CommunityHttp.Ok(ActivityResult.From(await badges.RevokeAsync(CommunityHttp.Community(http), new MemberId(request.Member), request.BadgeId, request.Reason, request.IdempotencyKey, ct).ConfigureAwait(false))));
        }

        if (has(typeof(IReferralService)))
        {
            admin.MapGet("referrals/held", async Task<IResult> (HttpContext http, IReferralService referrals, CancellationToken ct) =>
                CommunityHttp.Ok(await referrals.GetHeldAsync(CommunityHttp.Community(http), ct).ConfigureAwait(false)));
            admin.MapPost("referrals/{invitee}/approve", async Task<IResult> (HttpContext http, IReferralService referrals, string invitee, ReferralDecisionRequest request, CancellationToken ct) =>
                CommunityHttp.Ok(ActivityResult.From(await referrals.ApproveAsync(CommunityHttp.Community(http), new MemberId(invitee), request.IdempotencyKey, ct).ConfigureAwait(false))));
            admin.MapPost("referrals/{invitee}/reject", async Task<IResult> (HttpContext http, IReferralService referrals, string invitee, ReferralDecisionRequest request, CancellationToken ct) =>
                string.IsNullOrWhiteSpace(request.Reason)
                    ? CommunityHttp.Validation("reason", "is required to reject a referral")
                    : CommunityHttp.Ok(ActivityResult.From(await referrals.RejectAsync(CommunityHttp.Community(http), new MemberId(invitee), request.Reason, request.IdempotencyKey, ct).ConfigureAwait(false))));
        }
    }

    private static LeaderboardKey? Board(string? board, string? segment)
    {
        LeaderboardKind? kind = (board ?? "score") switch
        {
            "score" or "all-time" => LeaderboardKind.Score,
            "day" or "daily" => LeaderboardKind.PointsDay,
            "week" or "weekly" => LeaderboardKind.PointsWeek,
            "month" or "monthly" => LeaderboardKind.PointsMonth,
            _ => null,
        };
        return kind is { } k ? new LeaderboardKey(k, string.IsNullOrWhiteSpace(segment) ? null : segment) : null;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem BadBoard() => CommunityHttp.Validation("board", "must be one of score, all-time, day, daily, week, weekly, month, monthly");
}
