namespace CommunitySdk;

/// <summary>
/// The unit of work one activity runs in. Reactors read the activity, read other features through their
/// public interfaces and the events emitted so far, and add effects with <see cref="Emit{TEvent}"/>.
/// Nothing is written until every reactor has run; a reactor that throws leaves nothing behind.
/// Reactors take time from <see cref="EffectiveTime"/> and <see cref="RecordedAt"/>, never from a clock,
/// so that replaying the log reproduces the same effects.
/// </summary>
public sealed class ActivityContext
{
    private readonly List<CommunityEvent> _events = [];
    private Dictionary<Type, object>? _state;

    /// <summary>Creates a context. The activity pipeline does this; tests of a reactor may too.</summary>
    /// <param name="activity">The validated activity.</param>
    /// <param name="activityId">The id the activity will have in the log.</param>
    /// <param name="recordedAt">When the activity was recorded.</param>
    /// <param name="timeZone">The community's time zone, for calendar rules (daily caps, streaks).</param>
    /// <param name="isReplay">Whether the log is being replayed.</param>
    public ActivityContext(Activity activity, long activityId, DateTimeOffset recordedAt, TimeZoneInfo timeZone, bool isReplay = false)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(timeZone);
        Activity = activity;
        ActivityId = activityId;
        RecordedAt = recordedAt;
        TimeZone = timeZone;
        IsReplay = isReplay;
    }

    /// <summary>The activity.</summary>
    public Activity Activity { get; }

    /// <summary>The community.</summary>
    public CommunityId Community => Activity.Community;

    /// <summary>The member who did it.</summary>
    public MemberId Member => Activity.Member;

    /// <summary>The activity's id in the log.</summary>
    public long ActivityId { get; }

    /// <summary>When the activity was recorded.</summary>
    public DateTimeOffset RecordedAt { get; }

    /// <summary>When it counts as having happened: <see cref="Activity.OccurredAt"/>, else <see cref="RecordedAt"/>.</summary>
    public DateTimeOffset EffectiveTime => Activity.OccurredAt ?? RecordedAt;

    /// <summary>The community's time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The calendar date of <see cref="EffectiveTime"/> in the community's time zone.</summary>
    public DateOnly LocalDate => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(EffectiveTime, TimeZone).DateTime);

    /// <summary>Whether the log is being replayed (projections rebuilt) rather than recorded live.</summary>
    public bool IsReplay { get; }

    /// <summary>The events emitted so far in this unit of work, in order.</summary>
    public IReadOnlyList<CommunityEvent> Events => _events;

    /// <summary>
    /// Per-unit-of-work state of a feature (for example a working copy of balances that already includes the
    /// effects emitted so far). It lives as long as this context and is dropped with it on failure.
    /// </summary>
    /// <typeparam name="T">The state type; one instance per type.</typeparam>
    /// <param name="factory">Creates the state on first use.</param>
    /// <returns>The state.</returns>
    public T GetOrAddState<T>(Func<T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        _state ??= [];
        if (!_state.TryGetValue(typeof(T), out var value))
        {
            _state[typeof(T)] = value = factory();
        }

        return (T)value;
    }

    /// <summary>Adds an effect. The community, activity id, index and time are stamped on it.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="communityEvent">The event.</param>
    /// <returns>The stamped event as it will be committed.</returns>
    public TEvent Emit<TEvent>(TEvent communityEvent)
        where TEvent : CommunityEvent
    {
        ArgumentNullException.ThrowIfNull(communityEvent);
        if (communityEvent.Member.IsEmpty)
        {
            throw new ArgumentException("An event must name its member.", nameof(communityEvent));
        }

        var stamped = (TEvent)(communityEvent with
        {
            Community = Community,
            ActivityId = ActivityId,
            Index = _events.Count,
            OccurredAt = EffectiveTime,
        });
        _events.Add(stamped);
        return stamped;
    }
}
