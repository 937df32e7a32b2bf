namespace CommunitySdk.AspNetCore;

/// <summary>Body of <c>POST {prefix}/{community}/activities</c>: an activity of the signed-in member, of a type the host lets members record.</summary>
/// <param name="Type">The activity type; one of <see cref="CommunityEndpointOptions.MemberActivityTypes"/>.</param>
/// <param name="IdempotencyKey">The caller's unique key: a retry with the same key is recorded once.</param>
/// <param name="Value">The amount, only for types whose policy sets <see cref="MemberActivityPolicy.MaxValue"/>.</param>
/// <param name="Attributes">Attributes the type's policy allows.</param>
public sealed record RecordActivityRequest(string? Type, string? IdempotencyKey, decimal? Value = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>Body of <c>POST {prefix}/{community}/me/join</c>.</summary>
/// <param name="Profile">Profile attributes the host lets members set (<see cref="CommunityEndpointOptions.MemberProfileAttributes"/>).</param>
/// <param name="ReferralCode">The referral code the member signs up with, if any.</param>
/// <param name="VisitorId">The anonymous visitor id of earlier referral clicks, if any.</param>
/// <param name="IdempotencyKey">The caller's key; default one join per member.</param>
public sealed record MemberJoinRequest(IReadOnlyDictionary<string, string>? Profile = null, string? ReferralCode = null, string? VisitorId = null, string? IdempotencyKey = null);

/// <summary>Body of <c>POST {prefix}/{community}/admin/awards</c>: a manual points award (or deduction when negative).</summary>
/// <param name="Member">The member.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Amount">The amount; negative deducts.</param>
/// <param name="Reason">Why, shown in the member's history.</param>
/// <param name="IdempotencyKey">The operator's unique key.</param>
public sealed record ManualAwardRequest(string? Member, string? Currency, decimal? Amount, string? Reason, string? IdempotencyKey);

/// <summary>Body of the admin badge endpoints: grant an honour, or revoke a badge.</summary>
/// <param name="Member">The member.</param>
/// <param name="BadgeId">The badge.</param>
/// <param name="Reason">Why (kept with the grant or revocation).</param>
/// <param name="IdempotencyKey">The operator's unique key.</param>
public sealed record BadgeDecisionRequest(string? Member, string? BadgeId, string? Reason, string? IdempotencyKey);

/// <summary>Body of the admin referral-hold endpoints.</summary>
/// <param name="IdempotencyKey">The operator's unique key.</param>
/// <param name="Reason">Why (required to reject).</param>
public sealed record ReferralDecisionRequest(string? IdempotencyKey, string? Reason = null);

/// <summary>Body of <c>POST {prefix}/{community}/admin/members/{member}/erasure</c>.</summary>
/// <param name="Reason">Why, for the audit trail, 1 to 200 characters, without personal data.</param>
public sealed record ErasureRequest(string? Reason);

/// <summary>Body of <c>POST {prefix}/{community}/admin/members/{member}/suspension</c>.</summary>
/// <param name="Until">The end of the suspension; <see langword="null"/> lifts it.</param>
/// <param name="Reason">Why (recorded), 1 to 500 characters.</param>
/// <param name="IdempotencyKey">The caller's unique key.</param>
public sealed record SuspensionRequest(DateTimeOffset? Until, string? Reason, string? IdempotencyKey);

/// <summary>The result of a write: the activity id and whether it was a replay of an earlier request.</summary>
/// <param name="ActivityId">The activity id.</param>
/// <param name="IsDuplicate">Whether the idempotency key had been recorded before (nothing new was written).</param>
/// <param name="Effects">The events the activity produced, by type name.</param>
public sealed record ActivityResult(long ActivityId, bool IsDuplicate, IReadOnlyList<string> Effects)
{
    internal static ActivityResult From(ActivityOutcome outcome) =>
        new(outcome.ActivityId, outcome.IsDuplicate, outcome.Effects.Select(e => e.GetType().Name).ToArray());
}

/// <summary>A leaderboard row as members see it.</summary>
/// <param name="Rank">1 for the top.</param>
/// <param name="Name">The member's display name (<see cref="MemberInfo.DisplayName"/>).</param>
/// <param name="Score">The score (points for points boards, the decayed score otherwise).</param>
/// <param name="IsMe">Whether the row is the signed-in member's.</param>
/// <param name="Member">The member id, only when <see cref="CommunityEndpointOptions.ExposeMemberIds"/> is set.</param>
public sealed record LeaderboardRow(int Rank, string Name, double Score, bool IsMe, string? Member = null);

/// <summary>A leaderboard page: what it ranks, over which window, and the rows.</summary>
/// <param name="Board">The board: <c>score</c>, <c>day</c>, <c>week</c> or <c>month</c>.</param>
/// <param name="Segment">The segment (city), if the board is one segment's.</param>
/// <param name="Currency">For points boards, the currency ranked.</param>
/// <param name="Rows">The rows, best first.</param>
public sealed record LeaderboardPage(string Board, string? Segment, string? Currency, IReadOnlyList<LeaderboardRow> Rows);

/// <summary>The signed-in member's place on a board.</summary>
/// <param name="Board">The board.</param>
/// <param name="OnBoard">Whether the member is on it at all.</param>
/// <param name="Rank">Their rank, when on the board.</param>
/// <param name="Score">Their score, when on the board.</param>
public sealed record MemberRank(string Board, bool OnBoard, int? Rank, double? Score);

/// <summary>Someone the signed-in member invited.</summary>
/// <param name="Name">Their display name.</param>
/// <param name="Member">Their member id, only when <see cref="CommunityEndpointOptions.ExposeMemberIds"/> is set.</param>
public sealed record InviteeEntry(string Name, string? Member = null);

/// <summary>A node of an invite tree.</summary>
/// <param name="Name">The member's display name.</param>
/// <param name="Member">The member id (left out of endpoint responses unless <see cref="CommunityEndpointOptions.ExposeMemberIds"/> is set).</param>
/// <param name="Invitees">Their invitees, down to the requested depth.</param>
/// <param name="Descendants">Everyone below the member, at any depth.</param>
public sealed record InviteTreeNode(string Name, string? Member, IReadOnlyList<InviteTreeNode> Invitees, int Descendants)
{
    /// <summary>The same tree without member ids.</summary>
    /// <returns>The redacted tree.</returns>
    public InviteTreeNode WithoutMemberIds() => this with { Member = null, Invitees = Invitees.Select(i => i.WithoutMemberIds()).ToArray() };
}

