namespace CommunitySdk.Contests;

/// <summary>The activity types of contest commands: members submit, edit, withdraw, vote, unvote and report through
/// <see cref="IContestService"/> (or the member endpoints), operators moderate, review votes, shortlist and finish. The
/// whole <c>contest.</c> namespace is reserved: no member records these through <c>POST activities</c>.</summary>
public static class ContestActivityTypes
{
    /// <summary>A member submits an entry.</summary>
    public const string Submit = "contest.submit";

    /// <summary>An author edits an entry during submission.</summary>
    public const string Edit = "contest.edit";

    /// <summary>The author withdraws an entry.</summary>
    public const string Withdraw = "contest.withdraw";

    /// <summary>An operator accepts or rejects an entry.</summary>
    public const string Moderate = "contest.moderate";

    /// <summary>A member votes for an entry.</summary>
    public const string Vote = "contest.vote";

    /// <summary>A member takes their vote back during voting.</summary>
    public const string Unvote = "contest.unvote";

    /// <summary>A member reports an entry for review.</summary>
    public const string Report = "contest.report";

    /// <summary>An operator approves or voids votes of an entry.</summary>
    public const string ReviewVotes = "contest.review-votes";

    /// <summary>An operator shortlists entries (by votes or by judges' choice).</summary>
    public const string Shortlist = "contest.shortlist";

    /// <summary>An operator announces the results: winners, prizes, honours.</summary>
    public const string Finish = "contest.finish";
}

/// <summary>How members vote in a contest.</summary>
public enum VotingMode
{
    /// <summary>One vote per member per entry, for as many entries as they like.</summary>
    OnePerEntry,

    /// <summary>One vote per member per entry, for at most <c>VotesPerMember</c> entries of the contest.</summary>
    LimitedPerContest,

    /// <summary>Quadratic voting: a member spends a budget of credits; n votes on one entry cost n² credits.</summary>
    Quadratic,
}

/// <summary>Where a contest stands, from its schedule and its results.</summary>
public enum ContestPhase
{
    /// <summary>Before submission opens.</summary>
    Upcoming,

    /// <summary>Members submit and edit entries.</summary>
    Submission,

    /// <summary>Members vote (entries can no longer be submitted or edited).</summary>
    Voting,

    /// <summary>Voting closed: operators review, shortlist and finish.</summary>
    Judging,

    /// <summary>The results are out.</summary>
    Finished,
}

/// <summary>An entry's moderation state.</summary>
public enum EntryStatus
{
    /// <summary>Waiting for an operator (contests that moderate entries).</summary>
    Pending,

    /// <summary>Visible and open to votes.</summary>
    Accepted,

    /// <summary>Refused by an operator, with a reason.</summary>
    Rejected,

    /// <summary>Taken back by its author.</summary>
    Withdrawn,
}

/// <summary>Whether a vote counts.</summary>
public enum VoteStatus
{
    /// <summary>Counted in the ranking.</summary>
    Counted,

    /// <summary>Held by a fraud rule until an operator approves or voids it; not counted meanwhile.</summary>
    Held,

    /// <summary>Voided by an operator; never counted, and the member cannot vote for the entry again.</summary>
    Voided,
}

/// <summary>Why a vote was held (the values of <see cref="VoteCast.HoldReasons"/>).</summary>
public static class VoteHoldReasons
{
    /// <summary>The voter is an author of the entry.</summary>
    public const string SelfVote = "self-vote";

    /// <summary>The voter joined the community after the contest started.</summary>
    public const string JoinedAfterStart = "joined-after-start";

    /// <summary>The voter shares an invite branch with the author, and that branch already casts more than the allowed share of the entry's votes.</summary>
    public const string AuthorBranch = "author-branch";

    /// <summary>Too many votes for the entry from one invite branch in a short time.</summary>
    public const string BranchBurst = "branch-burst";
}

/// <summary>An entry was submitted (the event's member is its author).</summary>
public sealed record EntrySubmitted : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry's id within the contest (<c>1</c>, <c>2</c>, ... in submission order).</summary>
    public required string Entry { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The text, if any.</summary>
    public string? Text { get; init; }

    /// <summary>Co-authors (members of the community); they share the entry's prizes and honours.</summary>
    public IReadOnlyList<MemberId> CoAuthors { get; init; } = [];

    /// <summary>Whether the entry waits for moderation (<see cref="EntryStatus.Pending"/>) or is accepted.</summary>
    public required EntryStatus Status { get; init; }
}

/// <summary>An author changed an entry's title or text (the event's member is the editor).</summary>
public sealed record EntryEdited : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary>The new title.</summary>
    public required string Title { get; init; }

    /// <summary>The new text.</summary>
    public string? Text { get; init; }
}

/// <summary>The author withdrew an entry: it leaves the ranking for good.</summary>
public sealed record EntryWithdrawn : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }
}

/// <summary>An operator accepted or rejected an entry (the event's member is the author).</summary>
public sealed record EntryModerated : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary>Accepted (open to votes) or rejected.</summary>
    public required bool Accepted { get; init; }

    /// <summary>The operator's reason (required for a rejection).</summary>
    public string? Reason { get; init; }
}

/// <summary>A member voted for an entry (the event's member is the voter).</summary>
public sealed record VoteCast : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary>How many votes (1 unless the contest votes quadratically).</summary>
    public int Votes { get; init; } = 1;

    /// <summary>What the votes add to the entry's total: votes × the voter's tier weight.</summary>
    public required double Weight { get; init; }

    /// <summary>Credits spent (quadratic voting: votes²; otherwise 1).</summary>
    public int Cost { get; init; } = 1;

    /// <summary><see cref="VoteStatus.Counted"/> or <see cref="VoteStatus.Held"/>.</summary>
    public required VoteStatus Status { get; init; }

    /// <summary>Why the vote is held (<see cref="VoteHoldReasons"/>); empty when counted.</summary>
    public IReadOnlyList<string> HoldReasons { get; init; } = [];
}

/// <summary>A member took their vote back (the event's member is the voter); its credits are theirs again.</summary>
public sealed record VoteRevoked : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }
}

/// <summary>A member reported an entry for review (the event's member is the reporter).</summary>
public sealed record EntryReported : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>An operator approved (counted) or voided votes of an entry; the ranking follows (the event's member is the operator).</summary>
public sealed record VotesReviewed : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary>The voters whose votes were decided.</summary>
    public required IReadOnlyList<MemberId> Voters { get; init; }

    /// <summary>Approved (counted from now on) or voided.</summary>
    public required bool Approved { get; init; }

    /// <summary>The operator's reason.</summary>
    public required string Reason { get; init; }
}

/// <summary>An entry made the shortlist (the event's member is its author).</summary>
public sealed record EntryShortlisted : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The entry.</summary>
    public required string Entry { get; init; }

    /// <summary><c>votes</c> (the top of the ranking) or <c>judges</c> (an operator's pick).</summary>
    public required string By { get; init; }
}

/// <summary>A contest's results (the event's member is the operator who announced them).</summary>
public sealed record ContestFinished : CommunityEvent
{
    /// <summary>The contest.</summary>
    public required string Contest { get; init; }

    /// <summary>The winners, first place first.</summary>
    public required IReadOnlyList<ContestWinner> Winners { get; init; }
}

/// <summary>A winning entry.</summary>
/// <param name="Place">1 for the first place.</param>
/// <param name="Entry">The entry.</param>
/// <param name="Title">Its title when the results were announced.</param>
/// <param name="Authors">The author, then the co-authors.</param>
/// <param name="Votes">Its counted votes (weighted) when the results were announced.</param>
public sealed record ContestWinner(int Place, string Entry, string Title, IReadOnlyList<MemberId> Authors, double Votes);
