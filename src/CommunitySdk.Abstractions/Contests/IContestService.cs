namespace CommunitySdk.Contests;

/// <summary>A contest as members see it.</summary>
/// <param name="Id">The contest's id.</param>
/// <param name="Title">Its title, in the current UI culture when the definition has one for it (<c>DisplayNames</c>).</param>
/// <param name="Brief">The problem put to the community, in the current UI culture when the definition has it (<c>Briefs</c>).</param>
/// <param name="Phase">Where it stands now.</param>
/// <param name="SubmissionStartsAt">When submission opens.</param>
/// <param name="VotingStartsAt">When submission closes and voting opens.</param>
/// <param name="VotingEndsAt">When voting closes and judging starts.</param>
/// <param name="Voting">How members vote.</param>
/// <param name="VotesPerMember">Entries a member may vote for (<see cref="VotingMode.LimitedPerContest"/>), else 0.</param>
/// <param name="VoteCredits">A member's credits (<see cref="VotingMode.Quadratic"/>), else 0.</param>
/// <param name="Entries">Accepted entries.</param>
/// <param name="Winners">The results, once finished.</param>
public sealed record ContestInfo(
    string Id,
    string Title,
    string? Brief,
    ContestPhase Phase,
    DateTimeOffset SubmissionStartsAt,
    DateTimeOffset VotingStartsAt,
    DateTimeOffset VotingEndsAt,
    VotingMode Voting,
    int VotesPerMember,
    int VoteCredits,
    int Entries,
    IReadOnlyList<ContestWinner> Winners);

/// <summary>An entry of a contest.</summary>
/// <param name="Contest">The contest.</param>
/// <param name="Id">The entry's id within the contest.</param>
/// <param name="Author">Who submitted it.</param>
/// <param name="CoAuthors">Its co-authors.</param>
/// <param name="Title">The title.</param>
/// <param name="Text">The text.</param>
/// <param name="Status">Its moderation state.</param>
/// <param name="ModerationReason">The operator's reason, when moderated with one.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="Votes">Counted votes, weighted.</param>
/// <param name="Voters">Members whose votes count.</param>
/// <param name="HeldVotes">Votes held for review.</param>
/// <param name="Reports">Members who reported it.</param>
/// <param name="Shortlisted">Whether it made the shortlist.</param>
/// <param name="Rank">Its place in the ranking (1 for the top), or <see langword="null"/> when it is not ranked (not accepted).</param>
public sealed record ContestEntry(
    string Contest,
    string Id,
    MemberId Author,
    IReadOnlyList<MemberId> CoAuthors,
    string Title,
    string? Text,
    EntryStatus Status,
    string? ModerationReason,
    DateTimeOffset SubmittedAt,
    double Votes,
    int Voters,
    int HeldVotes,
    int Reports,
    bool Shortlisted,
    int? Rank);

/// <summary>An entry on the hot list, by votes that decay with the contest's half-life.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Score">Its decayed votes now.</param>
public sealed record HotEntry(ContestEntry Entry, double Score);

/// <summary>A member's vote.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Votes">How many votes.</param>
/// <param name="Weight">What they add (or would add, when held) to the entry.</param>
/// <param name="Status">Whether it counts.</param>
public sealed record MemberVote(string Entry, int Votes, double Weight, VoteStatus Status);

/// <summary>A member's votes in a contest and what they have left.</summary>
/// <param name="Contest">The contest.</param>
/// <param name="Votes">Their votes, by entry id.</param>
/// <param name="Remaining">Entries they may still vote for (limited voting), credits left (quadratic), or <see langword="null"/> (one per entry, no limit).</param>
public sealed record MemberContestVotes(string Contest, IReadOnlyList<MemberVote> Votes, int? Remaining);

/// <summary>A held vote waiting for an operator.</summary>
/// <param name="Voter">The voter.</param>
/// <param name="Votes">How many votes.</param>
/// <param name="Weight">What they would add.</param>
/// <param name="Reasons">Why they are held (<see cref="VoteHoldReasons"/>).</param>
/// <param name="At">When they were cast.</param>
public sealed record HeldVote(MemberId Voter, int Votes, double Weight, IReadOnlyList<string> Reasons, DateTimeOffset At);

/// <summary>What an operator reviews for one entry: held votes and members' reports.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Held">Its held votes, oldest first.</param>
/// <param name="ReportReasons">The latest reports' reasons (at most 10).</param>
public sealed record EntryReview(ContestEntry Entry, IReadOnlyList<HeldVote> Held, IReadOnlyList<string> ReportReasons);

/// <summary>A new entry.</summary>
public sealed record EntrySubmission
{
    /// <summary>The title, 1 to 120 characters.</summary>
    public required string Title { get; init; }

    /// <summary>The text, at most 256 characters (link to a longer document from it).</summary>
    public string? Text { get; init; }

    /// <summary>Co-authors: at most 3 joined members other than the author.</summary>
    public IReadOnlyList<MemberId> CoAuthors { get; init; } = [];

    /// <summary>The caller's idempotency key: a retry with it returns the same entry.</summary>
    public required string IdempotencyKey { get; init; }
}

/// <summary>
/// Idea contests and member voting: contests are defined by the host (<c>AddContests</c>); members submit entries,
/// vote (one per entry, a number per contest, or quadratically from a budget, weighted by tier) and report; fraud rules
/// hold suspicious votes for operators to approve or void; results award prizes through the points feature and
/// honours through badges. Every command is an activity in the log: idempotent by key, replayed exactly.
/// </summary>
public interface IContestService
{
    /// <summary>The contests of a community, in definition order.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The contests.</returns>
    ValueTask<IReadOnlyList<ContestInfo>> ListAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>One contest (<see cref="ContestNotFoundException"/> when the community has no such contest).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest's id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The contest.</returns>
    ValueTask<ContestInfo> GetAsync(CommunityId community, string contest, CancellationToken cancellationToken = default);

    /// <summary>Accepted entries by counted votes, highest first (ties: the earlier entry first). O(log n) to the first row.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="skip">Rows to skip.</param>
    /// <param name="take">Rows to return, 1 to 100.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, with their ranks.</returns>
    ValueTask<IReadOnlyList<ContestEntry>> RankingAsync(CommunityId community, string contest, int skip = 0, int take = 20, CancellationToken cancellationToken = default);

    /// <summary>One entry, whatever its state, with its rank when accepted; <see langword="null"/> when there is no such entry.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry's id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entry.</returns>
    ValueTask<ContestEntry?> GetEntryAsync(CommunityId community, string contest, string entry, CancellationToken cancellationToken = default);

    /// <summary>The entries a member authored or co-authored, in any state, in submission order.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<ContestEntry>> EntriesOfAsync(CommunityId community, string contest, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Entries by votes that decay with <c>ContestOptions.HotHalfLife</c>: what the community is voting for now.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="count">How many, 1 to 100.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The hot entries, hottest first.</returns>
    ValueTask<IReadOnlyList<HotEntry>> HotAsync(CommunityId community, string contest, int count = 10, CancellationToken cancellationToken = default);

    /// <summary>A member's votes in a contest and what they have left.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The votes.</returns>
    ValueTask<MemberContestVotes> VotesOfAsync(CommunityId community, string contest, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>What waits for an operator: entries pending moderation, with held votes, or reported.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries to review, in submission order.</returns>
    ValueTask<IReadOnlyList<EntryReview>> ReviewAsync(CommunityId community, string contest, CancellationToken cancellationToken = default);

    /// <summary>Submits an entry during the submission phase, if the member is eligible and below the contest's entry limit.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="member">The author.</param>
    /// <param name="submission">The entry.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entry as stored.</returns>
    ValueTask<ContestEntry> SubmitAsync(CommunityId community, string contest, MemberId member, EntrySubmission submission, CancellationToken cancellationToken = default);

    /// <summary>Changes an entry's title and text during submission (its author or a co-author).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="member">The editor.</param>
    /// <param name="title">The new title.</param>
    /// <param name="text">The new text.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> EditAsync(CommunityId community, string contest, string entry, MemberId member, string title, string? text, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Withdraws an entry before the results (its author only); its votes stop counting.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="member">The author.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> WithdrawAsync(CommunityId community, string contest, string entry, MemberId member, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Votes for an accepted entry during voting. The vote is counted, or held by a fraud rule (see <see cref="VoteCast.Status"/>).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="member">The voter.</param>
    /// <param name="votes">How many votes: 1, or more in a quadratic contest (costing votes² credits).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome (one <see cref="VoteCast"/>).</returns>
    ValueTask<ActivityOutcome> VoteAsync(CommunityId community, string contest, string entry, MemberId member, int votes, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Takes a vote back during voting (a voided vote stays voided).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="member">The voter.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> UnvoteAsync(CommunityId community, string contest, string entry, MemberId member, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Reports an entry for operators to review (once per member and entry).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="member">The reporter.</param>
    /// <param name="reason">Why, 1 to 200 characters.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> ReportAsync(CommunityId community, string contest, string entry, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator accepts or rejects an entry (a rejection needs a reason and takes the entry out of the ranking).</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="operatorId">The operator (recorded as the activity's member).</param>
    /// <param name="accept">Accept, or reject.</param>
    /// <param name="reason">Why (required to reject).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> ModerateAsync(CommunityId community, string contest, string entry, MemberId operatorId, bool accept, string? reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator approves (counts) or voids an entry's votes: one voter's, or, without <paramref name="voter"/>, every held vote of the entry.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="operatorId">The operator.</param>
    /// <param name="approve">Approve, or void.</param>
    /// <param name="voter">One voter, or <see langword="null"/> for every held vote.</param>
    /// <param name="reason">Why, 1 to 200 characters.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> ReviewVotesAsync(CommunityId community, string contest, string entry, MemberId operatorId, bool approve, MemberId? voter, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>After voting, an operator shortlists the top <paramref name="top"/> entries by votes and/or the judges' picks.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="operatorId">The operator.</param>
    /// <param name="top">How many from the top of the ranking (0 for none).</param>
    /// <param name="picks">Entries the judges add, at most 20.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> ShortlistAsync(CommunityId community, string contest, MemberId operatorId, int top, IReadOnlyList<string> picks, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// After voting, announces the results: <paramref name="winners"/> in order, or else the contest's number of winners from
    /// the shortlist (or from every accepted entry) by votes. Prizes are awarded in the same activity; honours follow as
    /// one badge grant per author, each idempotent, so a retry completes them.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest.</param>
    /// <param name="operatorId">The operator.</param>
    /// <param name="winners">The winning entries, first place first, or empty to take them by votes.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome (one <see cref="ContestFinished"/>, the prizes' points events).</returns>
    ValueTask<ActivityOutcome> FinishAsync(CommunityId community, string contest, MemberId operatorId, IReadOnlyList<string> winners, string idempotencyKey, CancellationToken cancellationToken = default);
}

/// <summary>The community has no contest with this id, or the contest no entry with this id (HTTP 404). Nothing was written.</summary>
public sealed class ContestNotFoundException : CommunityValidationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The community.</param>
    /// <param name="contest">The contest id asked for.</param>
    /// <param name="entry">The entry id asked for, when the contest exists but the entry does not.</param>
    public ContestNotFoundException(CommunityId community, string contest, string? entry = null)
        : base(entry is null ? "contest" : "entry", entry is null ? $"community '{community}' has no contest '{contest}'" : $"contest '{contest}' has no entry '{entry}'")
    {
        Community = community;
        Contest = contest;
        Entry = entry;
    }

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The contest id asked for.</summary>
    public string Contest { get; }

    /// <summary>The entry id asked for, or <see langword="null"/> when the contest itself is unknown.</summary>
    public string? Entry { get; }
}
