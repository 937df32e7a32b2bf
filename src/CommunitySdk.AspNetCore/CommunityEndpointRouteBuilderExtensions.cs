using CommunitySdk;
using CommunitySdk.AspNetCore;
using CommunitySdk.AspNetCore.Internal;
using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CommunitySdk JSON endpoints.</summary>
public static class CommunityEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the community endpoints under <c>{prefix}/{community}</c>. Members: <c>POST activities</c> (only the types
    /// the host lists in <see cref="CommunityEndpointOptions.MemberActivityTypes"/>, never a command), <c>POST me/join</c>,
    /// <c>GET me/balances</c>, <c>me/history</c>, <c>me/badges</c>, <c>me/progress</c>, <c>me/rank</c>, <c>me/invite-code</c>
    /// (<c>POST</c> creates it), <c>me/invitees</c>, <c>me/invite-tree</c>, <c>me/tier</c>, <c>leaderboards/{board}</c>,
    /// <c>segments</c>, <c>contests/...</c> (list, entries, hot, mine; submit, edit, withdraw, vote, unvote, report). Admins (<see cref="CommunityEndpointOptions.AdminPolicy"/>; 404 without one): <c>admin/...</c> (manual
    /// awards, a member's balances, tier progress, data export and erasure, suspensions, honours, revocations, referral holds,
    /// contest review, moderation, vote review, shortlist and results). A feature's endpoints are mapped only when its package
    /// is registered. Every refusal is ProblemDetails: 401/403 authorization, 404 unknown community, 400 with the field,
    /// 409, 413, 415, 422, 429.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The route prefix. Default <c>/api/community</c>.</param>
    /// <returns>The route group, to add conventions (CORS, OpenAPI) to.</returns>
    public static RouteGroupBuilder MapCommunityEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/api/community")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);

        // Feature detection asks the container what is registered without resolving (and so validating) anything:
        // options are validated when the host starts, not here.
        var registered = endpoints.ServiceProvider.GetService<IServiceProviderIsService>();
        var has = (Type t) => registered?.IsService(t) ?? endpoints.ServiceProvider.GetService(t) is not null;
        var root = endpoints.MapGroup(prefix.TrimEnd('/') + "/{community}").WithTags("Community");

        var member = root.MapGroup(string.Empty).AddEndpointFilter((c, n) => CommunityHttp.FilterAsync(c, n, EndpointAccess.Member));
        MapMember(member, has);
        var admin = root.MapGroup("admin").AddEndpointFilter((c, n) => CommunityHttp.FilterAsync(c, n, EndpointAccess.Admin));
        MapAdmin(admin, has);
        return root;
    }

    private static void MapMember(RouteGroupBuilder member, Func<Type, bool> has)
    {
        Write(member.MapPost("activities", RecordAsync))
            .WithName("RecordActivity").WithSummary("Records an activity of the signed-in member (a type the host lets members record).").Produces<ActivityResult>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesValidationProblem();
        Write(member.MapPost("me/join", JoinAsync))
            .WithSummary("Joins the signed-in member, optionally with a referral code.").Produces<ActivityResult>().ProducesProblem(StatusCodes.Status409Conflict).ProducesValidationProblem();

        if (has(typeof(IPointsService)))
        {
            member.MapGet("me/balances", async Task<IResult> (HttpContext http, IPointsService points, CancellationToken ct) =>
                CommunityHttp.Ok(await points.GetBalancesAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)))
                .WithSummary("The signed-in member's balance in every currency.").Produces<IReadOnlyList<PointsBalance>>();
            member.MapGet("me/history", async Task<IResult> (HttpContext http, IPointsService points, CancellationToken ct) =>
            {
                var pageSize = CommunityHttp.QueryInt32(http, "pageSize", 1, ActivityPageRequest.MaxPageSize) ?? 20;
                var before = CommunityHttp.QueryInt64(http, "beforeActivity") is { } a ? new LedgerCursor(a, CommunityHttp.QueryInt32(http, "beforeIndex", 0, int.MaxValue) ?? 0) : null;
                return CommunityHttp.Ok(await points.GetHistoryAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), new LedgerPageRequest(CommunityHttp.QueryString(http, "currency"), pageSize, before), ct).ConfigureAwait(false));
            }).WithSummary("The signed-in member's points history, newest first (query: currency, pageSize, beforeActivity, beforeIndex).").Produces<LedgerPage>().ProducesValidationProblem();
        }

        if (has(typeof(IBadgeService)))
        {
            member.MapGet("me/badges", async Task<IResult> (HttpContext http, IBadgeService badges, CancellationToken ct) =>
                CommunityHttp.Ok(await badges.GetBadgesAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)))
                .WithSummary("The badges the signed-in member holds.").Produces<IReadOnlyList<MemberBadge>>();
            member.MapGet("me/progress", async Task<IResult> (HttpContext http, IBadgeService badges, CancellationToken ct) =>
                CommunityHttp.Ok(await badges.GetProgressAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)))
                .WithSummary("The signed-in member's progress towards every visible badge.").Produces<IReadOnlyList<BadgeProgress>>();
        }

        if (has(typeof(IScoringService)))
        {
            member.MapGet("me/rank", MyRankAsync).WithSummary("The signed-in member's place on a board (query: board, segment).").Produces<MemberRank>().ProducesValidationProblem();
            member.MapGet("leaderboards/{board}", LeaderboardAsync).WithSummary("The top of a board with display names (query: segment, count).").Produces<LeaderboardPage>().ProducesValidationProblem();
            member.MapGet("segments", async Task<IResult> (HttpContext http, IScoringService scoring, CancellationToken ct) =>
                CommunityHttp.Ok(await scoring.SegmentRankingAsync(CommunityHttp.Community(http), ct).ConfigureAwait(false)))
                .WithSummary("Segments (cities) by members active recently.").Produces<IReadOnlyList<SegmentActivity>>();
            member.MapGet("me/tier", async Task<IResult> (HttpContext http, ITierService tiers, CancellationToken ct) =>
                CommunityHttp.Ok(await tiers.GetProgressAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false)))
                .WithSummary("The signed-in member's tier, the next one, and per requirement value, target and window.").Produces<TierProgress>();
        }

        if (has(typeof(IReferralService)))
        {
            member.MapGet("me/invite-code", async Task<IResult> (HttpContext http, IReferralService referrals, CancellationToken ct) =>
                await referrals.GetCodeAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false) is { } code
                    ? CommunityHttp.Ok(code)
                    : CommunityHttp.Problem(StatusCodes.Status404NotFound, "No invite code", "The member has no invite code yet; POST me/invite-code creates one."))
                .WithSummary("The signed-in member's invite code (404 until POST creates it).").Produces<ReferralCodeInfo>().ProducesProblem(StatusCodes.Status404NotFound);
            Write(member.MapPost("me/invite-code", async Task<IResult> (HttpContext http, IReferralService referrals, CancellationToken ct) =>
                CommunityHttp.Ok(await referrals.GetOrCreateCodeAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), ct).ConfigureAwait(false))))
                .WithSummary("Creates the signed-in member's invite code, or returns the existing one.").Produces<ReferralCodeInfo>().ProducesValidationProblem();
            member.MapGet("me/invitees", InviteesAsync).WithSummary("Whom the signed-in member invited, by display name (query: skip, take).").Produces<IReadOnlyList<InviteeEntry>>().ProducesValidationProblem();
            member.MapGet("me/invite-tree", InviteTreeAsync).WithSummary("The signed-in member's invite tree, by display name (query: depth 1 to 6).").Produces<InviteTreeNode>().ProducesValidationProblem();
        }

        if (has(typeof(IContestService)))
        {
            ContestEndpoints.MapMember(member, Write);
        }
    }

    private static void MapAdmin(RouteGroupBuilder admin, Func<Type, bool> has)
    {
        admin.MapGet("members/{member}/export", async Task<IResult> (HttpContext http, IMemberDataExporter exporter, IMemberDirectory members, string member, CancellationToken ct) =>
        {
            var community = CommunityHttp.Community(http);
            var id = CommunityHttp.MemberFrom(member, "member");
            _ = await members.GetAsync(community, id, ct).ConfigureAwait(false) ?? throw new MemberNotFoundException(community, id); // 404 before the body starts
            return Results.Stream(body => exporter.ExportAsync(community, id, body, ct).AsTask(), "application/json; charset=utf-8", "member-export.json");
        }).WithSummary("Everything the community holds about a member, as one JSON document streamed as it is read (a data access request; docs/privacy.md).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("members/{member}/erasure", async Task<IResult> (HttpContext http, IMemberEraser eraser, string member, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ErasureRequest>(http).ConfigureAwait(false);
            var erasure = await eraser.EraseAsync(CommunityHttp.Community(http), CommunityHttp.MemberFrom(member, "member"), CommunityHttp.Required(request.Reason, "reason"), ct).ConfigureAwait(false);
            return CommunityHttp.Ok(erasure);
        }).WithSummary("Erases a member: their id becomes a tombstone everywhere, their profile and free text go, the books still balance (docs/privacy.md). Idempotent.")
            .Produces<MemberErasure>().ProducesValidationProblem();

        if (has(typeof(IPointsService)))
        {
            admin.MapPost("awards", async Task<IResult> (HttpContext http, IPointsService points, CancellationToken ct) =>
            {
                var request = await CommunityHttp.ReadBodyAsync<ManualAwardRequest>(http).ConfigureAwait(false);
                var member = CommunityHttp.MemberFrom(request.Member, "member");
                var amount = request.Amount ?? throw new CommunityValidationException("amount", "is required");
                var community = CommunityHttp.Community(http);
                var outcome = amount >= 0
                    ? await points.AwardAsync(community, member, CommunityHttp.Required(request.Currency, "currency"), amount, CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false)
                    : await points.DeductAsync(community, member, CommunityHttp.Required(request.Currency, "currency"), -amount, CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false);
                return CommunityHttp.Ok(ActivityResult.From(outcome));
            }).WithSummary("Awards (or, negative, deducts) points by hand.").Produces<ActivityResult>().ProducesValidationProblem();
            admin.MapGet("members/{member}/balances", async Task<IResult> (HttpContext http, IPointsService points, string member, CancellationToken ct) =>
                CommunityHttp.Ok(await points.GetBalancesAsync(CommunityHttp.Community(http), CommunityHttp.MemberFrom(member, "member"), ct).ConfigureAwait(false)))
                .WithSummary("A member's balances.").Produces<IReadOnlyList<PointsBalance>>();
        }

        if (has(typeof(IBadgeService)))
        {
            admin.MapPost("honours", (HttpContext http, IBadgeService badges, CancellationToken ct) => BadgeDecisionAsync(http, badges.GrantAsync, ct))
                .WithSummary("Grants an honour (a hand-given badge).").Produces<ActivityResult>().ProducesValidationProblem();
            admin.MapPost("revocations", (HttpContext http, IBadgeService badges, CancellationToken ct) => BadgeDecisionAsync(http, badges.RevokeAsync, ct))
                .WithSummary("Revokes a badge.").Produces<ActivityResult>().ProducesValidationProblem();
        }

        if (has(typeof(IScoringService)))
        {
            admin.MapGet("members/{member}/tier", async Task<IResult> (HttpContext http, ITierService tiers, string member, CancellationToken ct) =>
                CommunityHttp.Ok(await tiers.GetProgressAsync(CommunityHttp.Community(http), CommunityHttp.MemberFrom(member, "member"), ct).ConfigureAwait(false)))
                .WithSummary("A member's tier progress.").Produces<TierProgress>();
            admin.MapPost("members/{member}/suspension", async Task<IResult> (HttpContext http, ITierService tiers, string member, CancellationToken ct) =>
            {
                var request = await CommunityHttp.ReadBodyAsync<SuspensionRequest>(http).ConfigureAwait(false);
                var community = CommunityHttp.Community(http);
                var who = CommunityHttp.MemberFrom(member, "member");
                var outcome = request.Until is { } until
                    ? await tiers.SuspendAsync(community, who, until, CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false)
                    : await tiers.LiftSuspensionAsync(community, who, CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false);
                return CommunityHttp.Ok(ActivityResult.From(outcome));
            }).WithSummary("Suspends a member until a time (no promotion meanwhile) or, without until, lifts it.").Produces<ActivityResult>().ProducesValidationProblem();
        }

        if (has(typeof(IReferralService)))
        {
            admin.MapGet("referrals/held", async Task<IResult> (HttpContext http, IReferralService referrals, CancellationToken ct) =>
                CommunityHttp.Ok(await referrals.GetHeldAsync(CommunityHttp.Community(http), ct).ConfigureAwait(false)))
                .WithSummary("Referrals held by the fraud rules.").Produces<IReadOnlyList<Referral>>();
            admin.MapPost("referrals/{invitee}/approve", async Task<IResult> (HttpContext http, IReferralService referrals, string invitee, CancellationToken ct) =>
            {
                var request = await CommunityHttp.ReadBodyAsync<ReferralDecisionRequest>(http).ConfigureAwait(false);
                return CommunityHttp.Ok(ActivityResult.From(await referrals.ApproveAsync(CommunityHttp.Community(http), CommunityHttp.MemberFrom(invitee, "invitee"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false)));
            }).WithSummary("Approves a held referral (rewards are paid).").Produces<ActivityResult>().ProducesValidationProblem();
            admin.MapPost("referrals/{invitee}/reject", async Task<IResult> (HttpContext http, IReferralService referrals, string invitee, CancellationToken ct) =>
            {
                var request = await CommunityHttp.ReadBodyAsync<ReferralDecisionRequest>(http).ConfigureAwait(false);
                if (string.IsNullOrWhiteSpace(request.Reason))
                {
                    return CommunityHttp.Validation("reason", "is required to reject a referral");
                }

                return CommunityHttp.Ok(ActivityResult.From(await referrals.RejectAsync(CommunityHttp.Community(http), CommunityHttp.MemberFrom(invitee, "invitee"), request.Reason, CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false)));
            }).WithSummary("Rejects a held referral, with a reason.").Produces<ActivityResult>().ProducesValidationProblem();
        }

        if (has(typeof(IContestService)))
        {
            ContestEndpoints.MapAdmin(admin);
        }
    }

    /// <summary>Marks a member write endpoint: the host's rate-limiter policy, when it names one, applies to it.</summary>
    // Request bodies are read by the SDK itself (size limit, ProblemDetails for every bad body), so the endpoints carry
    // no Accepts metadata: routing would answer a wrong Content-Type with an empty 415 before the SDK could explain it.
    private static RouteHandlerBuilder Write(RouteHandlerBuilder endpoint)
    {
        // A convention runs when the endpoints are built (after the host started), so reading the options here
        // validates nothing early.
        endpoint.Add(e =>
        {
            var options = e.ApplicationServices.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value;
            if (options.MemberWriteRateLimitPolicy is { } policy)
            {
                e.Metadata.Add(new EnableRateLimitingAttribute(policy));
            }
        });
        return endpoint;
    }

    private static async Task<IResult> RecordAsync(HttpContext http, ICommunity community, MemberActivityGate gate, CancellationToken ct)
    {
        var request = await CommunityHttp.ReadBodyAsync<RecordActivityRequest>(http).ConfigureAwait(false);
        var communityId = CommunityHttp.Community(http);
        var me = CommunityHttp.Me(http);
        var slot = gate.Admit(communityId, me, request);
        try
        {
            var outcome = await community.RecordAsync(
                new Activity
                {
                    Community = communityId,
                    Member = me,
                    Type = request.Type!,
                    IdempotencyKey = CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"),
                    Value = request.Value,
                    Attributes = request.Attributes ?? new Dictionary<string, string>(),
                },
                ct).ConfigureAwait(false);
            if (outcome.IsDuplicate)
            {
                MemberActivityGate.Release(slot);
            }

            return CommunityHttp.Ok(ActivityResult.From(outcome));
        }
        catch
        {
            MemberActivityGate.Release(slot);
            throw;
        }
    }

    private static async Task<IResult> JoinAsync(HttpContext http, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, CancellationToken ct)
    {
        var request = await CommunityHttp.ReadBodyAsync<MemberJoinRequest>(http).ConfigureAwait(false);
        foreach (var name in request.Profile?.Keys ?? [])
        {
            if (!options.Value.MemberProfileAttributes.Contains(name))
            {
                return CommunityHttp.Validation($"profile[{name}]", "may not be set by a member");
            }
        }

        var join = new JoinRequest { Profile = request.Profile, ReferralCode = request.ReferralCode, VisitorId = request.VisitorId, IdempotencyKey = request.IdempotencyKey };
        return CommunityHttp.Ok(ActivityResult.From(await directory.JoinAsync(CommunityHttp.Community(http), CommunityHttp.Me(http), join, ct).ConfigureAwait(false)));
    }

    private static async Task<IResult> MyRankAsync(HttpContext http, IScoringService scoring, CancellationToken ct)
    {
        var key = Board(CommunityHttp.QueryString(http, "board"), CommunityHttp.QueryString(http, "segment"));
        var entry = await scoring.RankAsync(CommunityHttp.Community(http), key, CommunityHttp.Me(http), ct).ConfigureAwait(false);
        return CommunityHttp.Ok(new MemberRank(BoardName(key.Kind), entry is not null, entry?.Rank, entry?.Score));
    }

    private static async Task<IResult> LeaderboardAsync(HttpContext http, IScoringService scoring, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, string board, CancellationToken ct)
    {
        var key = Board(board, CommunityHttp.QueryString(http, "segment"));
        var take = CommunityHttp.QueryInt32(http, "count", 1, options.Value.MaxLeaderboardCount) ?? 10;
        var community = CommunityHttp.Community(http);
        var me = CommunityHttp.Me(http);
        var rows = new List<LeaderboardRow>();
        foreach (var entry in await scoring.TopAsync(community, key, take, ct).ConfigureAwait(false))
        {
            var name = await CommunityHttp.NameAsync(directory, community, entry.Member, ct).ConfigureAwait(false);
            rows.Add(new LeaderboardRow(entry.Rank, name, entry.Score, entry.Member == me, options.Value.ExposeMemberIds ? entry.Member.Value : null));
        }

        var currency = key.Kind == LeaderboardKind.Score ? null : scoring.PointsBoardCurrency;
        return CommunityHttp.Ok(new LeaderboardPage(BoardName(key.Kind), key.Segment, currency, rows));
    }

    private static async Task<IResult> InviteesAsync(HttpContext http, IInviteGraph graph, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, CancellationToken ct)
    {
        var skip = CommunityHttp.QueryInt32(http, "skip", 0, int.MaxValue) ?? 0;
        var take = CommunityHttp.QueryInt32(http, "take", 1, ActivityPageRequest.MaxPageSize) ?? 100;
        var community = CommunityHttp.Community(http);
        var entries = new List<InviteeEntry>();
        foreach (var invitee in await graph.GetInviteesAsync(community, CommunityHttp.Me(http), skip, take, ct).ConfigureAwait(false))
        {
            entries.Add(new InviteeEntry(await CommunityHttp.NameAsync(directory, community, invitee, ct).ConfigureAwait(false), options.Value.ExposeMemberIds ? invitee.Value : null));
        }

        return CommunityHttp.Ok(entries);
    }

    private static async Task<IResult> InviteTreeAsync(HttpContext http, IInviteGraph graph, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, CancellationToken ct)
    {
        var depth = CommunityHttp.QueryInt32(http, "depth", 1, 6) ?? 3;
        var tree = await InviteTrees.BuildAsync(graph, directory, CommunityHttp.Community(http), CommunityHttp.Me(http), depth, ct).ConfigureAwait(false);
        return CommunityHttp.Ok(options.Value.ExposeMemberIds ? tree : tree.WithoutMemberIds());
    }

    private static async Task<IResult> BadgeDecisionAsync(HttpContext http, Func<CommunityId, MemberId, string, string, string, CancellationToken, ValueTask<ActivityOutcome>> decide, CancellationToken ct)
    {
        var request = await CommunityHttp.ReadBodyAsync<BadgeDecisionRequest>(http).ConfigureAwait(false);
        var outcome = await decide(CommunityHttp.Community(http), CommunityHttp.MemberFrom(request.Member, "member"), CommunityHttp.Required(request.BadgeId, "badgeId"), CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false);
        return CommunityHttp.Ok(ActivityResult.From(outcome));
    }

    private static LeaderboardKey Board(string? board, string? segment)
    {
        LeaderboardKind? kind = (board ?? "score") switch
        {
            "score" or "all-time" => LeaderboardKind.Score,
            "day" or "daily" => LeaderboardKind.PointsDay,
            "week" or "weekly" => LeaderboardKind.PointsWeek,
            "month" or "monthly" => LeaderboardKind.PointsMonth,
            _ => null,
        };
        return kind is { } k
            ? new LeaderboardKey(k, segment)
            : throw new CommunityValidationException("board", "must be one of score, all-time, day, daily, week, weekly, month, monthly");
    }

    private static string BoardName(LeaderboardKind kind) => kind switch
    {
        LeaderboardKind.PointsDay => "day",
        LeaderboardKind.PointsWeek => "week",
        LeaderboardKind.PointsMonth => "month",
        _ => "score",
    };
}
