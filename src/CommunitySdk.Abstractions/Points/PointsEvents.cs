namespace CommunitySdk.Points;

/// <summary>
/// A ledger entry: an immutable, signed change to a member's balance in one currency. A balance is the
/// sum of its ledger entries, always. The entry's id is (<see cref="CommunityEvent.ActivityId"/>, <see cref="CommunityEvent.Index"/>).
/// </summary>
public abstract record PointsLedgerEvent : CommunityEvent
{
    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The signed amount: positive for awards, negative for spends, deductions, reversals and expiry.</summary>
    public required decimal Amount { get; init; }

    /// <summary>Why: the rule, the operator's reason, the refund.</summary>
    public required string Reason { get; init; }
}

/// <summary>Points were awarded: by a rule, by an operator, by a referral reward, or re-credited after a reversal freed cap room.</summary>
public sealed record PointsAwarded : PointsLedgerEvent
{
    /// <summary>The rule that awarded them, if any.</summary>
    public string? RuleId { get; init; }

    /// <summary>The idempotency key of the activity the award is for (for a re-credit: the activity the cap had cut).</summary>
    public required string SourceKey { get; init; }

    /// <summary>The part of the requested amount a cap cut (0 when none): kept to be re-credited if cap room is freed.</summary>
    public decimal Withheld { get; init; }

    /// <summary>Given by an operator.</summary>
    public bool Manual { get; init; }

    /// <summary>For a re-credit, the ledger entry id (activity id) of the withheld award it pays out; otherwise <see langword="null"/>.</summary>
    public long? RecreditOfActivityId { get; init; }

    /// <summary>For a re-credit, the index of the withheld record it pays out.</summary>
    public int? RecreditOfIndex { get; init; }

    /// <summary>When the points become spendable (pending points); <see langword="null"/> when at once.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <summary>When the points expire; <see langword="null"/> when never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The cap rooms this award used (scope, period, amount).</summary>
    public IReadOnlyList<CapUse> CapUses { get; init; } = [];

    /// <summary>
    /// When the award counts as earned, if not at <see cref="CommunityEvent.OccurredAt"/>: a re-credit counts in the
    /// window whose cap room it uses (the withheld award's time), for earned totals and the points boards alike.
    /// </summary>
    public DateTimeOffset? CountsAt { get; init; }
}

/// <summary>A rule's award was cut to nothing by a cap. Kept to be re-credited if a reversal frees room that day.</summary>
public sealed record PointsWithheld : CommunityEvent
{
    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The amount the cap withheld.</summary>
    public required decimal Amount { get; init; }

    /// <summary>The rule.</summary>
    public required string RuleId { get; init; }

    /// <summary>The idempotency key of the activity.</summary>
    public required string SourceKey { get; init; }

    /// <summary>The caps that bound the award (amounts 0).</summary>
    public IReadOnlyList<CapUse> Caps { get; init; } = [];
}

/// <summary>Points were spent. Expiring lots are consumed first (earliest expiry first).</summary>
public sealed record PointsSpent : PointsLedgerEvent
{
    /// <summary>The lots the spend drew from.</summary>
    public required IReadOnlyList<LotDraw> Draws { get; init; }
}

/// <summary>An operator took points away (with a reason).</summary>
public sealed record PointsDeducted : PointsLedgerEvent
{
    /// <summary>The lots the deduction drew from.</summary>
    public required IReadOnlyList<LotDraw> Draws { get; init; }
}

/// <summary>An earlier award was reversed (for example, its order was refunded).</summary>
public sealed record PointsReversed : PointsLedgerEvent
{
    /// <summary>The activity id of the reversed award entry.</summary>
    public required long ReversedActivityId { get; init; }

    /// <summary>The index of the reversed award entry.</summary>
    public required int ReversedIndex { get; init; }

    /// <summary>The part of the award that could not be taken back because the balance had already been spent.</summary>
    public decimal Unrecovered { get; init; }

    /// <summary>The lots the reversal drew from.</summary>
    public required IReadOnlyList<LotDraw> Draws { get; init; }

    /// <summary>The cap rooms the reversal gave back.</summary>
    public IReadOnlyList<CapUse> CapsFreed { get; init; } = [];

    /// <summary>When the reversed award counted as earned: the reversal takes it back from that window.</summary>
    public DateTimeOffset? AwardCountedAt { get; init; }
}

/// <summary>Points expired (written by the expiry sweep).</summary>
public sealed record PointsExpired : PointsLedgerEvent
{
    /// <summary>The lots that expired.</summary>
    public required IReadOnlyList<LotDraw> Draws { get; init; }
}

/// <summary>A notice: a lot of points will expire soon (the currency's notice period ahead). Not a ledger entry.</summary>
public sealed record PointsExpiring : CommunityEvent
{
    /// <summary>The currency.</summary>
    public required string Currency { get; init; }

    /// <summary>How many points of the lot are left to expire.</summary>
    public required decimal Amount { get; init; }

    /// <summary>When they expire.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The lot's award entry: activity id.</summary>
    public required long LotActivityId { get; init; }

    /// <summary>The lot's award entry: index.</summary>
    public required int LotIndex { get; init; }
}

/// <summary>Room of a cap used (or freed, or binding) by an award.</summary>
/// <param name="Scope">The cap: <c>rule:{id}:daily</c>, <c>currency:{name}:weekly</c>, ...</param>
/// <param name="Period">The first day of the cap's period in the community's time zone.</param>
/// <param name="Amount">The room used or freed.</param>
public sealed record CapUse(string Scope, DateOnly Period, decimal Amount);

/// <summary>An amount taken from one lot (an award entry).</summary>
/// <param name="ActivityId">The lot's award entry: activity id.</param>
/// <param name="Index">The lot's award entry: index.</param>
/// <param name="Amount">The amount taken.</param>
public sealed record LotDraw(long ActivityId, int Index, decimal Amount);

/// <summary>A withheld amount will no longer be re-credited, because the activity it came from was reversed.</summary>
public sealed record PointsWithheldCancelled : CommunityEvent
{
    /// <summary>The withheld record: activity id.</summary>
    public required long WithheldActivityId { get; init; }

    /// <summary>The withheld record: index.</summary>
    public required int WithheldIndex { get; init; }
}
