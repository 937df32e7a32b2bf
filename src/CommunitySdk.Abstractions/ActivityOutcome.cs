namespace CommunitySdk;

/// <summary>
/// What recording an activity did: every effect (points awarded, badges earned, referral qualified,
/// score and tier change), so the host can tell the member in the same request.
/// </summary>
public sealed class ActivityOutcome
{
    /// <summary>Creates an outcome.</summary>
    /// <param name="record">The committed activity.</param>
    /// <param name="isDuplicate">Whether this call was a retry of an already recorded idempotency key.</param>
    public ActivityOutcome(CommittedActivity record, bool isDuplicate)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        IsDuplicate = isDuplicate;
    }

    /// <summary>The committed activity, with its id and time of recording.</summary>
    public CommittedActivity Record { get; }

    /// <summary>The activity's id: its position in the community's log (1, 2, 3, ...).</summary>
    public long ActivityId => Record.ActivityId;

    /// <summary>
    /// <see langword="true"/> when the idempotency key had been recorded before: this outcome is the first
    /// one, returned again, and nothing changed.
    /// </summary>
    public bool IsDuplicate { get; }

    /// <summary>Every effect of the activity, in the order the features produced them.</summary>
    public IReadOnlyList<CommunityEvent> Effects => Record.Events;

    /// <summary>The effects of one kind.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <returns>The matching effects.</returns>
    public IEnumerable<TEvent> EffectsOf<TEvent>()
        where TEvent : CommunityEvent => Record.Events.OfType<TEvent>();
}
