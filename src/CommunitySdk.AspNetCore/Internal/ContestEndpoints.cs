using CommunitySdk.Contests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>
/// The contest endpoints: members list contests and entries (authors by display name), submit, edit, withdraw, vote,
/// unvote and report as themselves; admins review, moderate, shortlist and finish as themselves (the operator id is the
/// signed-in user's).
/// </summary>
internal static class ContestEndpoints
{
    public static void MapMember(RouteGroupBuilder member, Func<RouteHandlerBuilder, RouteHandlerBuilder> write)
    {
        member.MapGet("contests", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, CancellationToken ct) =>
        {
            var community = CommunityHttp.Community(http);
            var views = new List<ContestView>();
            foreach (var contest in await contests.ListAsync(community, ct).ConfigureAwait(false))
            {
                views.Add(await ViewAsync(contest, directory, community, ct).ConfigureAwait(false));
            }

            return CommunityHttp.Ok(views);
        }).WithSummary("The community's contests, with their phase and, once finished, the winners by display name.").Produces<IReadOnlyList<ContestView>>();

        member.MapGet("contests/{contest}", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, string contest, CancellationToken ct) =>
        {
            var community = CommunityHttp.Community(http);
            return CommunityHttp.Ok(await ViewAsync(await contests.GetAsync(community, contest, ct).ConfigureAwait(false), directory, community, ct).ConfigureAwait(false));
        }).WithSummary("One contest.").Produces<ContestView>().ProducesProblem(StatusCodes.Status404NotFound);

        member.MapGet("contests/{contest}/entries", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, string contest, CancellationToken ct) =>
        {
            var skip = CommunityHttp.QueryInt32(http, "skip", 0, int.MaxValue) ?? 0;
            var take = CommunityHttp.QueryInt32(http, "take", 1, 100) ?? 20;
            var community = CommunityHttp.Community(http);
            var ranking = await contests.RankingAsync(community, contest, skip, take, ct).ConfigureAwait(false);
            return CommunityHttp.Ok(await ViewsAsync(ranking, directory, community, CommunityHttp.Me(http), options.Value.ExposeMemberIds, ct).ConfigureAwait(false));
        }).WithSummary("Accepted entries by votes, highest first (query: skip, take up to 100).").Produces<IReadOnlyList<ContestEntryView>>().ProducesValidationProblem();

        member.MapGet("contests/{contest}/hot", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, string contest, CancellationToken ct) =>
        {
            var count = CommunityHttp.QueryInt32(http, "count", 1, 100) ?? 10;
            var community = CommunityHttp.Community(http);
            var hot = await contests.HotAsync(community, contest, count, ct).ConfigureAwait(false);
            return CommunityHttp.Ok(await ViewsAsync(hot.Select(h => h.Entry).ToArray(), directory, community, CommunityHttp.Me(http), options.Value.ExposeMemberIds, ct).ConfigureAwait(false));
        }).WithSummary("Entries by recent votes (query: count up to 100).").Produces<IReadOnlyList<ContestEntryView>>().ProducesValidationProblem();

        member.MapGet("contests/{contest}/me", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, IOptions<CommunityEndpointOptions> options, string contest, CancellationToken ct) =>
        {
            var community = CommunityHttp.Community(http);
            var me = CommunityHttp.Me(http);
            var entries = await contests.EntriesOfAsync(community, contest, me, ct).ConfigureAwait(false);
            var votes = await contests.VotesOfAsync(community, contest, me, ct).ConfigureAwait(false);
            return CommunityHttp.Ok(new MyContestView(await ViewsAsync(entries, directory, community, me, options.Value.ExposeMemberIds, ct).ConfigureAwait(false), votes));
        }).WithSummary("The signed-in member's entries (in any state) and votes, and what they have left.").Produces<MyContestView>();

        write(member.MapPost("contests/{contest}/entries", async Task<IResult> (HttpContext http, IContestService contests, IMemberDirectory directory, string contest, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestEntryRequest>(http).ConfigureAwait(false);
            var coAuthors = (request.CoAuthors ?? []).Select((c, i) => CommunityHttp.MemberFrom(c, $"coAuthors[{i}]")).ToArray();
            var community = CommunityHttp.Community(http);
            var me = CommunityHttp.Me(http);
            var entry = await contests.SubmitAsync(community, contest, me, new EntrySubmission { Title = CommunityHttp.Required(request.Title, "title"), Text = request.Text, CoAuthors = coAuthors, IdempotencyKey = CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey") }, ct).ConfigureAwait(false);
            return CommunityHttp.Ok((await ViewsAsync([entry], directory, community, me, exposeIds: false, ct).ConfigureAwait(false))[0]);
        })).WithSummary("Submits an entry as the signed-in member (during submission; eligibility and entry limits apply).").Produces<ContestEntryView>().ProducesValidationProblem();

        write(member.MapPost("contests/{contest}/entries/{entry}/edit", async Task<IResult> (HttpContext http, IContestService contests, string contest, string entry, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestEntryRequest>(http).ConfigureAwait(false);
            return Result(await contests.EditAsync(CommunityHttp.Community(http), contest, entry, CommunityHttp.Me(http), CommunityHttp.Required(request.Title, "title"), request.Text, CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false));
        })).WithSummary("Edits an entry of the signed-in member during submission.").Produces<ActivityResult>().ProducesValidationProblem();

        Action(member, write, "withdraw", "Withdraws the signed-in member's entry.", (c, http, community, contest, entry, request, ct) =>
            c.WithdrawAsync(community, contest, entry, CommunityHttp.Me(http), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct));
        Action(member, write, "vote", "Votes for an entry as the signed-in member (counted, or held for review by a fraud rule).", (c, http, community, contest, entry, request, ct) =>
            c.VoteAsync(community, contest, entry, CommunityHttp.Me(http), request.Votes ?? 1, CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct));
        Action(member, write, "unvote", "Takes the signed-in member's vote back during voting.", (c, http, community, contest, entry, request, ct) =>
            c.UnvoteAsync(community, contest, entry, CommunityHttp.Me(http), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct));
        Action(member, write, "report", "Reports an entry for operators to review.", (c, http, community, contest, entry, request, ct) =>
            c.ReportAsync(community, contest, entry, CommunityHttp.Me(http), CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct));
    }

    public static void MapAdmin(RouteGroupBuilder admin)
    {
        admin.MapGet("contests/{contest}/review", async Task<IResult> (HttpContext http, IContestService contests, string contest, CancellationToken ct) =>
            CommunityHttp.Ok(await contests.ReviewAsync(CommunityHttp.Community(http), contest, ct).ConfigureAwait(false)))
            .WithSummary("Entries waiting for moderation, with held votes (and why) or with reports.").Produces<IReadOnlyList<EntryReview>>();

        admin.MapPost("contests/{contest}/entries/{entry}/moderation", async Task<IResult> (HttpContext http, IContestService contests, string contest, string entry, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestDecisionRequest>(http).ConfigureAwait(false);
            var accept = Decision(request.Decision, "accept", "reject");
            return Result(await contests.ModerateAsync(CommunityHttp.Community(http), contest, entry, CommunityHttp.Operator(http), accept, request.Reason, CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false));
        }).WithSummary("Accepts or rejects an entry (decision: accept or reject; a rejection needs a reason).").Produces<ActivityResult>().ProducesValidationProblem();

        admin.MapPost("contests/{contest}/entries/{entry}/votes/review", async Task<IResult> (HttpContext http, IContestService contests, string contest, string entry, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestDecisionRequest>(http).ConfigureAwait(false);
            var approve = Decision(request.Decision, "approve", "void");
            MemberId? voter = request.Voter is null ? null : CommunityHttp.MemberFrom(request.Voter, "voter");
            return Result(await contests.ReviewVotesAsync(CommunityHttp.Community(http), contest, entry, CommunityHttp.Operator(http), approve, voter, CommunityHttp.Required(request.Reason, "reason"), CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false));
        }).WithSummary("Approves or voids an entry's votes: one voter's, or every held vote (decision: approve or void).").Produces<ActivityResult>().ProducesValidationProblem();

        admin.MapPost("contests/{contest}/shortlist", async Task<IResult> (HttpContext http, IContestService contests, string contest, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestResultRequest>(http).ConfigureAwait(false);
            return Result(await contests.ShortlistAsync(CommunityHttp.Community(http), contest, CommunityHttp.Operator(http), request.Top ?? 0, request.Entries ?? [], CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false));
        }).WithSummary("After voting, shortlists the top entries by votes and the judges' picks.").Produces<ActivityResult>().ProducesValidationProblem();

        admin.MapPost("contests/{contest}/finish", async Task<IResult> (HttpContext http, IContestService contests, string contest, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestResultRequest>(http).ConfigureAwait(false);
            return Result(await contests.FinishAsync(CommunityHttp.Community(http), contest, CommunityHttp.Operator(http), request.Entries ?? [], CommunityHttp.Required(request.IdempotencyKey, "idempotencyKey"), ct).ConfigureAwait(false));
        }).WithSummary("Announces the results (the named winners, or the top by votes): prizes and honours follow.").Produces<ActivityResult>().ProducesValidationProblem();
    }

    private delegate ValueTask<ActivityOutcome> EntryAction(IContestService contests, HttpContext http, CommunityId community, string contest, string entry, ContestActionRequest request, CancellationToken cancellationToken);

    private static void Action(RouteGroupBuilder member, Func<RouteHandlerBuilder, RouteHandlerBuilder> write, string name, string summary, EntryAction action) =>
        write(member.MapPost($"contests/{{contest}}/entries/{{entry}}/{name}", async Task<IResult> (HttpContext http, IContestService contests, string contest, string entry, CancellationToken ct) =>
        {
            var request = await CommunityHttp.ReadBodyAsync<ContestActionRequest>(http).ConfigureAwait(false);
            return Result(await action(contests, http, CommunityHttp.Community(http), contest, entry, request, ct).ConfigureAwait(false));
        })).WithSummary(summary).Produces<ActivityResult>().ProducesValidationProblem();

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ActivityResult> Result(ActivityOutcome outcome) => CommunityHttp.Ok(ActivityResult.From(outcome));

    private static async Task<ContestView> ViewAsync(ContestInfo contest, IMemberDirectory directory, CommunityId community, CancellationToken ct)
    {
        var winners = new List<ContestWinnerView>();
        foreach (var winner in contest.Winners)
        {
            winners.Add(new ContestWinnerView(winner.Place, winner.Entry, winner.Title, await NamesAsync(directory, community, winner.Authors, ct).ConfigureAwait(false), winner.Votes));
        }

        return new ContestView(contest with { Winners = [] }, winners);
    }

    private static async Task<IReadOnlyList<ContestEntryView>> ViewsAsync(IReadOnlyList<ContestEntry> entries, IMemberDirectory directory, CommunityId community, MemberId me, bool exposeIds, CancellationToken ct)
    {
        var views = new List<ContestEntryView>(entries.Count);
        foreach (var e in entries)
        {
            var authors = new[] { e.Author }.Concat(e.CoAuthors).ToArray();
            views.Add(new ContestEntryView(
                e.Id,
                e.Title,
                e.Text,
                await NamesAsync(directory, community, authors, ct).ConfigureAwait(false),
                e.Status,
                e.ModerationReason,
                e.Votes,
                e.Voters,
                e.Rank,
                e.Shortlisted,
                e.SubmittedAt,
                authors.Contains(me),
                exposeIds ? authors.Select(a => a.Value).ToArray() : null));
        }

        return views;
    }

    private static async Task<IReadOnlyList<string>> NamesAsync(IMemberDirectory directory, CommunityId community, IReadOnlyList<MemberId> members, CancellationToken ct)
    {
        var names = new string[members.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = await CommunityHttp.NameAsync(directory, community, members[i], ct).ConfigureAwait(false);
        }

        return names;
    }

    private static bool Decision(string? decision, string yes, string no) =>
        decision == yes || (decision == no ? false : throw new CommunityValidationException("decision", $"must be {yes} or {no}"));
}
