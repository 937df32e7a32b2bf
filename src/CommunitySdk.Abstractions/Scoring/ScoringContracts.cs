namespace CommunitySdk.Scoring;

/// <summary>A member's engagement grew: <see cref="Weight"/> points at the activity's time (before decay).</summary>
public sealed record ScoreChanged : CommunityEvent
{
    /// <summary>The activity type that earned it.</summary>
    public required string ActivityType { get; init; }

    /// <summary>The weight added at <see cref="CommunityEvent.OccurredAt"/>; it decays from then on.</summary>
    public required double Weight { get; init; }

    /// <summary>The member's decayed engagement score right after this activity (before network value and bonuses).</summary>
    public double Engagement { get; init; }
}

/// <summary>A member's tier changed.</summary>
public sealed record TierChanged : CommunityEvent
{
    /// <summary>The previous tier.</summary>
    public required string From { get; init; }

    /// <summary>The new tier.</summary>
    public required string To { get; init; }

    /// <summary>Why: promoted, demoted after the grace period, locked, unlocked.</summary>
    public required string Reason { get; init; }

    /// <summary>On a demotion: the requirements of the old tier the member failed (their names), so the member can be told why.</summary>
    public IReadOnlyList<string>? Failing { get; init; }
}

/// <summary>A member stopped meeting their tier's requirements: they keep it until <see cref="Until"/> (hysteresis).</summary>
public sealed record TierGraceStarted : CommunityEvent
{
    /// <summary>The tier at risk.</summary>
    public required string Tier { get; init; }

    /// <summary>When the member is demoted if they still fall short.</summary>
    public required DateTimeOffset Until { get; init; }

    /// <summary>The requirements of the tier the member fails (their names).</summary>
    public IReadOnlyList<string>? Failing { get; init; }
}

/// <summary>An operator suspended a member until <see cref="Until"/> (no promotion meanwhile), or lifted it (<see cref="Until"/> null).</summary>
public sealed record MemberSuspended : CommunityEvent
{
    /// <summary>The end of the suspension, or <see langword="null"/> when it was lifted.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Why, as the operator recorded it.</summary>
    public required string Reason { get; init; }
}

/// <summary>A member in a grace period met their tier's requirements again.</summary>
public sealed record TierGraceCleared : CommunityEvent;

/// <summary>A member vouched for another (the event's member) for a tier.</summary>
public sealed record TierEndorsed : CommunityEvent
{
    /// <summary>Who vouched.</summary>
    public required MemberId Endorser { get; init; }

    /// <summary>The tier.</summary>
    public required string Tier { get; init; }
}

/// <summary>An operator locked a member's tier (or unlocked it, when <see cref="Tier"/> is <see langword="null"/>).</summary>
public sealed record TierLocked : CommunityEvent
{
    /// <summary>The locked tier, or <see langword="null"/> to unlock.</summary>
    public string? Tier { get; init; }
}

/// <summary>Activity types of the scoring feature's commands.</summary>
public static class ScoringActivityTypes
{
    /// <summary>A member vouches for another for a tier (the activity's member is the endorsee; attributes <c>endorser</c>, <c>tier</c>).</summary>
    public const string Endorse = "scoring.endorse";

    /// <summary>Locks or (no <c>tier</c> attribute) unlocks a member's tier.</summary>
    public const string LockTier = "scoring.lock_tier";

    /// <summary>Re-evaluates a member's tier (the periodic review; grace periods end here).</summary>
    public const string ReviewTier = "scoring.review_tier";

    /// <summary>Suspends a member (attributes <c>until</c>, an ISO 8601 instant, and <c>reason</c>) or, without <c>until</c>, lifts it.</summary>
    public const string Suspend = "scoring.suspend";
}

/// <summary>Which leaderboard.</summary>
public enum LeaderboardKind
{
    /// <summary>The member score (engagement plus network value), decaying over time; ranks never need rescanning.</summary>
    Score,

    /// <summary>Points earned on one day (community time zone).</summary>
    PointsDay,

    /// <summary>Points earned in one week.</summary>
    PointsWeek,

    /// <summary>Points earned in one month.</summary>
    PointsMonth,
}

/// <summary>Names a leaderboard.</summary>
/// <param name="Kind">Which board.</param>
/// <param name="Segment">Only members of this city (profile <c>city</c>); <see langword="null"/> for everyone.</param>
/// <param name="At">For points boards: a time inside the window (now when <see langword="null"/>).</param>
public sealed record LeaderboardKey(LeaderboardKind Kind, string? Segment = null, DateTimeOffset? At = null);

/// <summary>A place on a leaderboard.</summary>
/// <param name="Rank">1 for the top.</param>
/// <param name="Member">The member.</param>
/// <param name="Score">The score now (decayed, for the score board) or the points earned.</param>
public sealed record LeaderboardEntry(int Rank, MemberId Member, double Score);

/// <summary>One part of a member's score.</summary>
/// <param name="Name">What it is: <c>activity:post.created</c>, <c>network</c>, <c>strong-ties</c>, ...</param>
/// <param name="Value">Its value now.</param>
public sealed record ScoreContribution(string Name, double Value);

/// <summary>A member's score now, and what it is made of. The contributions add up to <see cref="Score"/>.</summary>
/// <param name="Member">The member.</param>
/// <param name="Score">The composite score from <see cref="IMemberScorer"/>.</param>
/// <param name="Engagement">Decayed weighted activity.</param>
/// <param name="Network">Decayed engagement of invitees up to the configured levels, discounted per level.</param>
/// <param name="Tier">The member's tier.</param>
/// <param name="Contributions">The parts.</param>
public sealed record ScoreExplanation(MemberId Member, double Score, double Engagement, double Network, string Tier, IReadOnlyList<ScoreContribution> Contributions);

/// <summary>What a scorer sees of a member.</summary>
/// <param name="Member">The member.</param>
/// <param name="ByActivityType">Decayed engagement per activity type.</param>
/// <param name="Network">Decayed network value.</param>
/// <param name="StrongTies">How many members share enough events with this one.</param>
/// <param name="Tenure">Time since joining.</param>
public sealed record MemberScoreInputs(MemberId Member, IReadOnlyDictionary<string, double> ByActivityType, double Network, int StrongTies, TimeSpan Tenure);

/// <summary>
/// Turns a member's inputs into a composite score and explains it. Replace the default by registering your own
/// before <c>AddScoring</c>. The leaderboards rank the decaying part (engagement plus weighted network), so that
/// ranks never need rescanning; the scorer's score is what members see and what tiers use.
/// </summary>
public interface IMemberScorer
{
    /// <summary>The contributions, which add up to the score.</summary>
    /// <param name="inputs">The member's inputs.</param>
    /// <returns>The contributions.</returns>
    IReadOnlyList<ScoreContribution> Explain(MemberScoreInputs inputs);
}

/// <summary>One change of the top-K cohort.</summary>
/// <param name="Member">The member.</param>
/// <param name="Joined">Whether they joined (or left) the cohort.</param>
/// <param name="At">When.</param>
public sealed record CohortChange(MemberId Member, bool Joined, DateTimeOffset At);

/// <summary>A city and how many of its members were active lately.</summary>
/// <param name="Segment">The city.</param>
/// <param name="ActiveMembers">Members active in the window.</param>
public sealed record SegmentActivity(string Segment, int ActiveMembers);

/// <summary>
/// Leaderboard reads, implemented by the in-process boards (<see cref="IScoringService"/>, registered as this
/// interface by <c>AddScoring</c>) and by the Redis boards (<c>UseRedisLeaderboards</c> registers them in its place):
/// host code that reads boards through it moves to Redis without a change.
/// </summary>
public interface ILeaderboards
{
    /// <summary>The top of a leaderboard.</summary>
    /// <param name="community">The community.</param>
    /// <param name="board">Which board.</param>
    /// <param name="count">How many, 1 to 500.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, best first.</returns>
    ValueTask<IReadOnlyList<LeaderboardEntry>> TopAsync(CommunityId community, LeaderboardKey board, int count, CancellationToken cancellationToken = default);

    /// <summary>A member's place, or <see langword="null"/> when not on the board.</summary>
    /// <param name="community">The community.</param>
    /// <param name="board">Which board.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entry or <see langword="null"/>.</returns>
    ValueTask<LeaderboardEntry?> RankAsync(CommunityId community, LeaderboardKey board, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>The members around a member: up to <paramref name="k"/> above and below.</summary>
    /// <param name="community">The community.</param>
    /// <param name="board">Which board.</param>
    /// <param name="member">The member.</param>
    /// <param name="k">0 to 100.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries, best first (empty when the member is not on the board).</returns>
    ValueTask<IReadOnlyList<LeaderboardEntry>> AroundAsync(CommunityId community, LeaderboardKey board, MemberId member, int k, CancellationToken cancellationToken = default);

    /// <summary>How many members are on a board.</summary>
    /// <param name="community">The community.</param>
    /// <param name="board">Which board.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The size.</returns>
    ValueTask<int> SizeAsync(CommunityId community, LeaderboardKey board, CancellationToken cancellationToken = default);
}

/// <summary>Scores, tiers, leaderboards, cohorts, city ranking, strong ties and hot lists.</summary>
public interface IScoringService : ILeaderboards
{
    /// <summary>The currency the points boards (day, week, month) rank, or <see langword="null"/> when points are not registered.</summary>
    string? PointsBoardCurrency { get; }

    /// <summary>The engagement half-life the score board decays with (other boards, such as Redis's, take it from here).</summary>
    TimeSpan HalfLife { get; }

    /// <summary>A member's score now, with its contributions.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The explanation.</returns>
    ValueTask<ScoreExplanation> ExplainAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>The current top-K cohort ("the first 100 super-users"), best first.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The cohort.</returns>
    ValueTask<IReadOnlyList<MemberId>> CohortAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>Every join and leave of the cohort, oldest first.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The changes.</returns>
    ValueTask<IReadOnlyList<CohortChange>> CohortHistoryAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>Cities ordered by members active in the last <c>ActiveDays</c> days: where to hold the next meetup.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The cities, most active first (ties by name).</returns>
    ValueTask<IReadOnlyList<SegmentActivity>> SegmentRankingAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>Members strongly tied to a member (attended at least the threshold of the same events).</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The tied members.</returns>
    ValueTask<IReadOnlyList<MemberId>> StrongTiesAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>The hottest subjects (an activity attribute, such as a product or topic), by decayed activity.</summary>
    /// <param name="community">The community.</param>
    /// <param name="count">How many, 1 to 500.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>Subject and decayed score, hottest first.</returns>
    ValueTask<IReadOnlyList<(string Subject, double Score)>> HotSubjectsAsync(CommunityId community, int count, CancellationToken cancellationToken = default);

    /// <summary>A member vouches for another for a tier; the endorser must hold that tier or a higher one.</summary>
    /// <param name="community">The community.</param>
    /// <param name="endorser">Who vouches.</param>
    /// <param name="member">For whom.</param>
    /// <param name="tier">The tier.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> EndorseAsync(CommunityId community, MemberId endorser, MemberId member, string tier, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Locks a member at a tier (no promotion or demotion), or unlocks with <see langword="null"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="tier">The tier, or <see langword="null"/> to unlock.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> LockTierAsync(CommunityId community, MemberId member, string? tier, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Re-evaluates every member whose tier would change now (grace periods that ended, decayed scores).</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many members changed.</returns>
    ValueTask<int> ReviewTiersAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>One requirement of a tier and where the member stands on it.</summary>
/// <param name="Name">The requirement (as in <see cref="TierChanged.Failing"/>).</param>
/// <param name="Value">The member's value now.</param>
/// <param name="Target">The least (or, for a penalty, the most) value that meets it.</param>
/// <param name="Met">Whether it is met.</param>
/// <param name="IsMaximum">Whether <paramref name="Target"/> is a maximum (a penalty such as confirmed flags).</param>
/// <param name="WindowStart">The first day of its rolling window (community time zone), or <see langword="null"/> for the whole history.</param>
/// <param name="WindowEnd">The last day of its window (today), or <see langword="null"/>.</param>
public sealed record TierRequirementProgress(string Name, double Value, double Target, bool Met, bool IsMaximum, DateOnly? WindowStart, DateOnly? WindowEnd);

/// <summary>A member's tier, the next one, and per requirement what they still need.</summary>
/// <param name="Member">The member.</param>
/// <param name="Tier">The tier they hold.</param>
/// <param name="NextTier">The tier above, or <see langword="null"/> at the top.</param>
/// <param name="Locked">Whether an operator locked the tier (no promotion or demotion).</param>
/// <param name="SuspendedUntil">The end of a suspension in force (no promotion until then), or <see langword="null"/>.</param>
/// <param name="ProtectedUntil">The end of the protection after a promotion (no demotion until then), or <see langword="null"/>.</param>
/// <param name="DemotionAt">When the member is demoted if they do not recover (in a grace period, or failing while protected), or <see langword="null"/>.</param>
/// <param name="Keep">The requirements of <paramref name="Tier"/> (what keeps it).</param>
/// <param name="Next">The requirements of <paramref name="NextTier"/> (what it takes), empty at the top.</param>
public sealed record TierProgress(
    MemberId Member,
    string Tier,
    string? NextTier,
    bool Locked,
    DateTimeOffset? SuspendedUntil,
    DateTimeOffset? ProtectedUntil,
    DateTimeOffset? DemotionAt,
    IReadOnlyList<TierRequirementProgress> Keep,
    IReadOnlyList<TierRequirementProgress> Next)
{
    /// <summary>The display name of <see cref="Tier"/> in the current UI culture (the tier's own name when it has none for the culture).</summary>
    public string TierDisplayName { get; init; } = Tier;

    /// <summary>The display name of <see cref="NextTier"/> in the current UI culture, or <see langword="null"/> at the top.</summary>
    public string? NextTierDisplayName { get; init; } = NextTier;
}

/// <summary>Tier progress and suspensions ("what do I need for the next tier").</summary>
public interface ITierService
{
    /// <summary>The member's tier, the next one and, per requirement, value, target and window, at the current time.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The progress.</returns>
    ValueTask<TierProgress> GetProgressAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Suspends a member until <paramref name="until"/>: no promotion meanwhile (a host or moderator action, never a member's).</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="until">The end of the suspension; must be in the future.</param>
    /// <param name="reason">Why (recorded in <see cref="MemberSuspended"/>), 1 to 500 characters.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> SuspendAsync(CommunityId community, MemberId member, DateTimeOffset until, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Lifts a member's suspension.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="reason">Why, 1 to 500 characters.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> LiftSuspensionAsync(CommunityId community, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default);
}
