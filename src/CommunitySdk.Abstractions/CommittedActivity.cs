namespace CommunitySdk;

/// <summary>One entry of a community's append-only activity log: the activity and every event it produced.</summary>
/// <param name="ActivityId">Position in the community's log, starting at 1.</param>
/// <param name="Activity">The activity as recorded.</param>
/// <param name="RecordedAt">When the SDK recorded it (from its <see cref="TimeProvider"/>).</param>
/// <param name="Fingerprint">A hash of the payload, used to tell a retry from a conflicting reuse of the key.</param>
/// <param name="Events">The events (effects) the activity produced.</param>
public sealed record CommittedActivity(
    long ActivityId,
    Activity Activity,
    DateTimeOffset RecordedAt,
    string Fingerprint,
    IReadOnlyList<CommunityEvent> Events)
{
    /// <summary>When the activity counts as having happened: <see cref="Activity.OccurredAt"/>, else <see cref="RecordedAt"/>.</summary>
    public DateTimeOffset EffectiveTime => Activity.OccurredAt ?? RecordedAt;
}
