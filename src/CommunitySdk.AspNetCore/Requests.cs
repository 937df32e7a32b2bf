namespace CommunitySdk.AspNetCore;

/// <summary>Body of <c>POST {prefix}/{community}/activities</c>: an activity of the signed-in member.</summary>
/// <param name="Type">The activity type (<c>order.completed</c>, <c>post.created</c>, ...).</param>
/// <param name="IdempotencyKey">The caller's unique key: a retry with the same key is recorded once.</param>
/// <param name="Value">The amount (order total, ...), if the type has one.</param>
/// <param name="Attributes">Attributes (<c>city</c>, <c>referralCode</c>, ...).</param>
public sealed record RecordActivityRequest(string Type, string IdempotencyKey, decimal? Value = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>Body of <c>POST {prefix}/{community}/admin/awards</c>: a manual points award (or deduction when negative).</summary>
/// <param name="Member">The member.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Amount">The amount; negative deducts.</param>
/// <param name="Reason">Why, shown in the member's history.</param>
/// <param name="IdempotencyKey">The operator's unique key.</param>
public sealed record ManualAwardRequest(string Member, string Currency, decimal Amount, string Reason, string IdempotencyKey);

/// <summary>Body of the admin badge endpoints: grant an honour, or revoke a badge.</summary>
/// <param name="Member">The member.</param>
/// <param name="BadgeId">The badge.</param>
/// <param name="Reason">Why (kept with the grant or revocation).</param>
/// <param name="IdempotencyKey">The operator's unique key.</param>
public sealed record BadgeDecisionRequest(string Member, string BadgeId, string Reason, string IdempotencyKey);

/// <summary>Body of the admin referral-hold endpoints.</summary>
/// <param name="IdempotencyKey">The operator's unique key.</param>
/// <param name="Reason">Why (required to reject).</param>
public sealed record ReferralDecisionRequest(string IdempotencyKey, string? Reason = null);

/// <summary>The result of a write: the activity id and whether it was a replay of an earlier request.</summary>
/// <param name="ActivityId">The activity id.</param>
/// <param name="IsDuplicate">Whether the idempotency key had been recorded before (nothing new was written).</param>
/// <param name="Effects">The events the activity produced, by type name.</param>
public sealed record ActivityResult(long ActivityId, bool IsDuplicate, IReadOnlyList<string> Effects)
{
    internal static ActivityResult From(ActivityOutcome outcome) =>
        new(outcome.ActivityId, outcome.IsDuplicate, outcome.Effects.Select(e => e.GetType().Name).ToArray());
}

/// <summary>A node of an invite tree.</summary>
/// <param name="Member">The member.</param>
/// <param name="Invitees">Their invitees, down to the requested depth.</param>
/// <param name="Descendants">Everyone below the member, at any depth.</param>
public sealed record InviteTreeNode(string Member, IReadOnlyList<InviteTreeNode> Invitees, int Descendants);
