using CommunitySdk.Collections;

namespace CommunitySdk.Contests.Internal;

/// <summary>
/// The contests of one community. Bounded by entries and live votes: a finished contest keeps its entries, ranking and
/// winners but drops its votes, voters' budgets and hot list. Tiers and scores are kept only when a rule needs them.
/// </summary>
internal sealed class CommunityContests
{
    public Dictionary<string, ContestState> Contests { get; } = new(StringComparer.Ordinal);

    /// <summary>Each member's tier (from <c>TierChanged</c>), when a contest weighs votes or admits entrants by tier.</summary>
    public Dictionary<int, string> Tiers { get; } = [];

    /// <summary>Each member's engagement as of their last scored activity, when a contest needs a minimum score.</summary>
    public Dictionary<int, double> Scores { get; } = [];

    public ContestState Contest(string id)
    {
        if (!Contests.TryGetValue(id, out var contest))
        {
            Contests[id] = contest = new ContestState(id);
        }

        return contest;
    }
}

internal sealed class ContestState(string id)
{
    public string Id { get; } = id;

    /// <summary>Every entry, by index (its id is index + 1).</summary>
    public List<EntryState> Entries { get; } = [];

    /// <summary>Accepted entries by counted votes.</summary>
    public OrderStatisticTree Ranking { get; } = new(16);

    /// <summary>Entries by votes scaled to <see cref="HotReference"/> (forward decay: no rescan as time passes).</summary>
    public OrderStatisticTree Hot { get; } = new(16);

    public DateTimeOffset HotReference { get; set; }

    /// <summary>Live votes by (voter, entry).</summary>
    public Dictionary<long, VoteState> Votes { get; } = [];

    /// <summary>What each voter used: entries voted for (limited voting) or credits (quadratic).</summary>
    public Dictionary<int, int> Used { get; } = [];

    /// <summary>Each voter's live votes (counted, held or voided), for <c>MaxVotesPerMember</c>; rebuilt from <see cref="Votes"/> on a snapshot read.</summary>
    public Dictionary<int, int> VotesBy { get; } = [];

    /// <summary>Pending or accepted entries per author.</summary>
    public Dictionary<int, int> EntriesBy { get; } = [];

    public List<int> Shortlist { get; } = [];

    public List<ContestWinner>? Winners { get; set; }

    public bool Finished => Winners is not null;

    public static long Key(int member, int entry) => ((long)member << 32) | (uint)entry;

    public EntryState? Find(string entry) =>
        int.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= Entries.Count ? Entries[n - 1] : null;
}

internal sealed class EntryState(int index, int author, int[] coAuthors, DateTimeOffset submittedAt)
{
    public const int MaxReportReasons = 10;

    public int Index { get; } = index;

    public string Id { get; } = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int Author { get; } = author;

    public int[] CoAuthors { get; } = coAuthors;

    public DateTimeOffset SubmittedAt { get; } = submittedAt;

    public string Title { get; set; } = string.Empty;

    public string? Text { get; set; }

    public EntryStatus Status { get; set; }

    public string? ModerationReason { get; set; }

    /// <summary>Counted votes, weighted.</summary>
    public double Votes { get; set; }

    /// <summary>Members whose votes count.</summary>
    public int Voters { get; set; }

    /// <summary>Counted voters from the author's branch.</summary>
    public int BranchVoters { get; set; }

    /// <summary>Voters whose votes are held, in the order they voted.</summary>
    public List<int> Held { get; } = [];

    public HashSet<int>? Reporters { get; set; }

    public Queue<string> ReportReasons { get; } = new();

    public bool Shortlisted { get; set; }

    /// <summary>Recent votes (time, voter's branch) within the burst window, oldest first.</summary>
    public Queue<(DateTimeOffset At, int Branch)> Recent { get; } = new();

    /// <summary>How many of <see cref="Recent"/> each branch cast (the burst rule reads it in O(1)).</summary>
    public Dictionary<int, int> RecentByBranch { get; } = [];

    public bool IsAuthor(int member) => member == Author || Array.IndexOf(CoAuthors, member) >= 0;

    public bool IsLive => Status is EntryStatus.Pending or EntryStatus.Accepted;
}

/// <summary>A live vote, stored inline in the contest's vote table (no object per vote).</summary>
internal struct VoteState
{
    public int Votes { get; set; }

    public double Weight { get; set; }

    public int Cost { get; set; }

    public VoteStatus Status { get; set; }

    /// <summary>Whether the voter shares the author's branch.</summary>
    public bool Branch { get; set; }

    public DateTimeOffset At { get; set; }

    private IReadOnlyList<string>? _reasons;

    /// <summary>Why it is held; empty for a counted vote.</summary>
    public IReadOnlyList<string> Reasons { readonly get => _reasons ?? []; set => _reasons = value; }
}
