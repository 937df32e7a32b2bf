namespace CommunitySdk.AspNetCore;

/// <summary>Body of <c>POST {prefix}/{community}/contests/{contest}/entries</c>: the signed-in member submits an entry.</summary>
/// <param name="Title">The title, 1 to 120 characters.</param>
/// <param name="Text">The text, at most 256 characters.</param>
/// <param name="IdempotencyKey">The caller's unique key.</param>
/// <param name="CoAuthors">Co-authors' member ids (at most 3).</param>
public sealed record ContestEntryRequest(string? Title, string? Text, string? IdempotencyKey, IReadOnlyList<string>? CoAuthors = null);

/// <summary>Body of the member's entry and vote endpoints (<c>vote</c>, <c>unvote</c>, <c>withdraw</c>, <c>report</c>).</summary>
/// <param name="IdempotencyKey">The caller's unique key.</param>
/// <param name="Votes">For <c>vote</c>: how many votes (only a quadratic contest takes more than 1).</param>
/// <param name="Reason">For <c>report</c>: why, 1 to 200 characters.</param>
public sealed record ContestActionRequest(string? IdempotencyKey, int? Votes = null, string? Reason = null);

/// <summary>Body of the admin contest decisions: moderation (<c>accept</c>/<c>reject</c>) and vote review (<c>approve</c>/<c>void</c>).</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Reason">Why (required to reject or to review votes).</param>
/// <param name="IdempotencyKey">The operator's unique key.</param>
/// <param name="Voter">For vote review: one voter's member id, or none for every held vote of the entry.</param>
public sealed record ContestDecisionRequest(string? Decision, string? Reason, string? IdempotencyKey, string? Voter = null);

/// <summary>Body of <c>POST {prefix}/{community}/admin/contests/{contest}/shortlist</c> and <c>.../finish</c>.</summary>
/// <param name="IdempotencyKey">The operator's unique key.</param>
/// <param name="Top">Shortlist: how many from the top of the ranking.</param>
/// <param name="Entries">Shortlist: the judges' picks; finish: the winners in order (none: by votes).</param>
public sealed record ContestResultRequest(string? IdempotencyKey, int? Top = null, IReadOnlyList<string>? Entries = null);

/// <summary>A contest as the member endpoints show it: winners by display name.</summary>
/// <param name="Contest">The contest (its <see cref="CommunitySdk.Contests.ContestInfo.Winners"/> left empty).</param>
/// <param name="Winners">The winners, first place first.</param>
public sealed record ContestView(CommunitySdk.Contests.ContestInfo Contest, IReadOnlyList<ContestWinnerView> Winners);

/// <summary>A winning entry by its authors' display names.</summary>
/// <param name="Place">1 for the first place.</param>
/// <param name="Entry">The entry's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Authors">Its authors' display names.</param>
/// <param name="Votes">Its counted votes.</param>
public sealed record ContestWinnerView(int Place, string Entry, string Title, IReadOnlyList<string> Authors, double Votes);

/// <summary>An entry as members see it: authors by display name, never by id (unless <see cref="CommunityEndpointOptions.ExposeMemberIds"/>).</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Title">The title.</param>
/// <param name="Text">The text.</param>
/// <param name="Authors">The authors' display names, the author first.</param>
/// <param name="Status">Its moderation state.</param>
/// <param name="ModerationReason">The operator's reason, when moderated with one.</param>
/// <param name="Votes">Counted votes, weighted.</param>
/// <param name="Voters">Members whose votes count.</param>
/// <param name="Rank">Its place, when accepted.</param>
/// <param name="Shortlisted">Whether it is on the shortlist.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="IsMine">Whether the signed-in member is one of its authors.</param>
/// <param name="AuthorIds">The authors' member ids, only when <see cref="CommunityEndpointOptions.ExposeMemberIds"/> is set.</param>
public sealed record ContestEntryView(
    string Id,
    string Title,
    string? Text,
    IReadOnlyList<string> Authors,
    CommunitySdk.Contests.EntryStatus Status,
    string? ModerationReason,
    double Votes,
    int Voters,
    int? Rank,
    bool Shortlisted,
    DateTimeOffset SubmittedAt,
    bool IsMine,
    IReadOnlyList<string>? AuthorIds = null);

/// <summary>The signed-in member's part in a contest: their entries, their votes, what they have left.</summary>
/// <param name="Entries">Entries they (co-)authored, in any state.</param>
/// <param name="Votes">Their votes and what remains.</param>
public sealed record MyContestView(IReadOnlyList<ContestEntryView> Entries, CommunitySdk.Contests.MemberContestVotes Votes);
