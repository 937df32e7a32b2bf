using System.ComponentModel.DataAnnotations;

namespace CommunitySdk.Contests;

/// <summary>Contest settings: the contests themselves, vote weights by tier, the hot list and the fraud rules. Bind from
/// configuration (section <c>Community:Contests</c>) or set in code.</summary>
public sealed class ContestOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Contests";

    /// <summary>The contests, by id (lower-case letters, digits, <c>-</c> and <c>.</c>, at most 64 characters).</summary>
    public IDictionary<string, ContestDefinition> Contests { get; } = new Dictionary<string, ContestDefinition>(StringComparer.Ordinal);

    /// <summary>
    /// What one vote of a member of each tier counts (by tier name, from the scoring feature), above 0 and at most 100.
    /// A tier not listed counts 1. Empty by default: every vote counts 1.
    /// </summary>
    public IDictionary<string, double> TierWeights { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The half-life of votes on the hot list, 1 minute to 365 days. Default 1 day.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan HotHalfLife { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most entries one contest takes in one community, 1 to 1,000,000. Default 100,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxEntriesPerContest { get; set; } = 100_000;

    /// <summary>
    /// The most live votes one member may have in one contest, whatever the voting mode, 1 to 1,000,000. Default 1,000:
    /// a script voting for every entry cannot grow a contest's vote table without bound (beyond it:
    /// <see cref="CommunityLimitExceededException"/>, HTTP 422).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxVotesPerMember { get; set; } = 1_000;

    /// <summary>The rules that hold suspicious votes for an operator.</summary>
    public ContestFraudOptions Fraud { get; } = new();

    /// <summary>Defines a contest. Phases are wall-clock times in each community's time zone.</summary>
    /// <param name="id">The contest's id.</param>
    /// <param name="title">Its title.</param>
    /// <param name="submissionStartsAt">When submission opens (community time zone).</param>
    /// <param name="votingStartsAt">When submission closes and voting opens.</param>
    /// <param name="votingEndsAt">When voting closes and judging starts.</param>
    /// <param name="configure">Voting mode, eligibility, limits, prizes, honours.</param>
    /// <returns>These options.</returns>
    public ContestOptions Contest(string id, string title, DateTime submissionStartsAt, DateTime votingStartsAt, DateTime votingEndsAt, Action<ContestDefinition>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var definition = new ContestDefinition
        {
            Title = title,
            SubmissionStartsAt = submissionStartsAt,
            VotingStartsAt = votingStartsAt,
            VotingEndsAt = votingEndsAt,
        };
        configure?.Invoke(definition);
        Contests[id] = definition;
        return this;
    }
}

/// <summary>One contest: the brief, the schedule, who may enter, how members vote, what winners get.</summary>
public sealed class ContestDefinition
{
    /// <summary>The title, 1 to 120 characters.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>The brief: the problem put to the community (at most 4,000 characters).</summary>
    public string? Brief { get; set; }

    /// <summary>The title per culture (<c>"zh-CN": "为新水壶命名"</c>); queries answer in the current UI culture, falling back to <see cref="Title"/>. See <see cref="CommunitySdk.DisplayNames"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The brief per culture, as <see cref="DisplayNames"/> is for the title (each at most 4,000 characters).</summary>
    public IDictionary<string, string> Briefs { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The only community that runs the contest; <see langword="null"/> (default) for every community.</summary>
    public string? Community { get; set; }

    /// <summary>When submission opens: a wall-clock time in the community's time zone.</summary>
    public DateTime SubmissionStartsAt { get; set; }

    /// <summary>When submission closes and voting opens (community time zone); after <see cref="SubmissionStartsAt"/>.</summary>
    public DateTime VotingStartsAt { get; set; }

    /// <summary>When voting closes and judging starts (community time zone); after <see cref="VotingStartsAt"/>.</summary>
    public DateTime VotingEndsAt { get; set; }

    /// <summary>How members vote. Default one vote per entry.</summary>
    public VotingMode Voting { get; set; } = VotingMode.OnePerEntry;

    /// <summary>Entries a member may vote for with <see cref="VotingMode.LimitedPerContest"/>, 1 to 1,000. Default 3.</summary>
    [Range(1, 1_000)]
    public int VotesPerMember { get; set; } = 3;

    /// <summary>A member's credits with <see cref="VotingMode.Quadratic"/> (n votes on one entry cost n²), 1 to 1,000,000. Default 100.</summary>
    [Range(1, 1_000_000)]
    public int VoteCredits { get; set; } = 100;

    /// <summary>Entries one member may have in the contest (pending or accepted), 1 to 100. Default 1.</summary>
    [Range(1, 100)]
    public int MaxEntriesPerMember { get; set; } = 1;

    /// <summary>Whether entries wait for an operator before they are open to votes. Default off (accepted at once).</summary>
    public bool ModerateEntries { get; set; }

    /// <summary>Eligibility to enter: the tiers whose members may submit (empty: any tier).</summary>
    public IList<string> EligibleTiers { get; } = [];

    /// <summary>Eligibility to enter: only members of this segment (profile <c>segments</c>, or <c>city</c>) may submit.</summary>
    public string? EligibleSegment { get; set; }

    /// <summary>Eligibility to enter: only members who joined before submission opened may submit.</summary>
    public bool JoinedBeforeStart { get; set; }

    /// <summary>Eligibility to enter: the least engagement score (as of the member's last scored activity). Default 0.</summary>
    [Range(0, double.MaxValue)]
    public double MinScore { get; set; }

    /// <summary>Hold the votes of members who joined after submission opened for review. Default on.</summary>
    public bool HoldLateJoinerVotes { get; set; } = true;

    /// <summary>How many winners the results name when the operator does not list them, 0 to 100. Default 3.</summary>
    [Range(0, 100)]
    public int Winners { get; set; } = 3;

    /// <summary>The points currency of <see cref="Prizes"/> (needs the points feature).</summary>
    public string? PrizeCurrency { get; set; }

    /// <summary>Points for each author of the entry in each place: first place first (at most <see cref="Winners"/> values, none negative).</summary>
    public IList<decimal> Prizes { get; } = [];

    /// <summary>An honour (a badge defined with <c>Honour(...)</c>) granted to every author of a winning entry (needs the badges feature).</summary>
    public string? HonourBadge { get; set; }
}

/// <summary>Vote-fraud rules: each holds a vote for an operator to approve or void, never drops it silently.</summary>
public sealed class ContestFraudOptions
{
    /// <summary>
    /// How far up the invite forest a branch reaches, 1 to 6. Default 2: a voter shares the author's branch when they
    /// have a common inviter within two levels of both (siblings, cousins, an inviter, a grand-inviter).
    /// </summary>
    [Range(1, 6)]
    public int BranchLevels { get; set; } = 2;

    /// <summary>
    /// The largest share of an entry's counted voters that may come from its author's branch, above 0 and at most 1.
    /// Default 0.5: beyond it, further votes from the branch are held.
    /// </summary>
    [Range(0.01, 1.0)]
    public double BranchShare { get; set; } = 0.5;

    /// <summary>Counted voters an entry needs before <see cref="BranchShare"/> applies, 1 to 1,000. Default 3.</summary>
    [Range(1, 1_000)]
    public int BranchMinVotes { get; set; } = 3;

    /// <summary>The window of the burst rule, 1 second to 1 day. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Votes for one entry from one branch within <see cref="BurstWindow"/> beyond which they are held, 1 to 10,000. Default 5.</summary>
    [Range(1, 10_000)]
    public int BurstLimit { get; set; } = 5;
}
