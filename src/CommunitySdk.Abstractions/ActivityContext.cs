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
    private (Type Type, object Value)[]? _state; // a few per unit of work: a linear search beats a dictionary
    private int _stateCount;
    private IWorkingCopy[]? _copies;
    private int _copyCount;

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
    /// effects emitted so far). It lives as long as this context and is dropped with it on failure. A state that
    /// implements <see cref="IWorkingCopy"/> sees every event emitted after it was created, by any reactor.
    /// </summary>
    /// <typeparam name="T">The state type; one instance per type.</typeparam>
    /// <param name="factory">Creates the state on first use.</param>
    /// <returns>The state.</returns>
    public T GetOrAddState<T>(Func<T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return FindState<T>() ?? AddState(factory());
    }

    /// <summary>
    /// Per-unit-of-work state of a feature, created from an argument on first use (a static factory allocates no
    /// closure). See <see cref="GetOrAddState{T}(Func{T})"/>.
    /// </summary>
    /// <typeparam name="TArg">The factory's argument type.</typeparam>
    /// <typeparam name="T">The state type; one instance per type.</typeparam>
    /// <param name="argument">Passed to <paramref name="factory"/>.</param>
    /// <param name="factory">Creates the state on first use.</param>
    /// <returns>The state.</returns>
    public T GetOrAddState<TArg, T>(TArg argument, Func<TArg, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return FindState<T>() ?? AddState(factory(argument));
    }

    private T? FindState<T>()
        where T : class
    {
        for (var i = 0; i < _stateCount; i++)
        {
            if (_state![i].Type == typeof(T))
            {
                return (T)_state[i].Value;
            }
        }

        return null;
    }

    private T AddState<T>(T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        _state ??= new (Type, object)[4];
        if (_stateCount == _state.Length)
        {
            Array.Resize(ref _state, _state.Length * 2);
        }

        _state[_stateCount++] = (typeof(T), value);
        if (value is IWorkingCopy copy)
        {
            _copies ??= new IWorkingCopy[2];
            if (_copyCount == _copies.Length)
            {
                Array.Resize(ref _copies, _copies.Length * 2);
            }

            _copies[_copyCount++] = copy;
        }

        return value;
    }

    /// <summary>
    /// Adds an effect. The community, activity id, index and time are stamped on it: on the instance itself when it
    /// was never emitted (its <see cref="CommunityEvent.ActivityId"/> is 0), on a copy otherwise.
    /// </summary>
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

        var stamped = communityEvent.ActivityId == 0 ? communityEvent : (TEvent)(communityEvent with { });
        stamped.Stamp(Community, ActivityId, _events.Count, EffectiveTime);
        _events.Add(stamped);
        for (var i = 0; i < _copyCount; i++)
        {
            _copies![i].Observe(stamped);
        }

        return stamped;
    }
}

/// <summary>
/// A feature's working copy inside a unit of work: the committed state of what the activity touches, plus every
/// event emitted since the copy was made (whichever reactor emitted it), folded by the same function the
/// feature's projection uses. Created through <see cref="ActivityContext.GetOrAddState{T}"/>.
/// </summary>
public interface IWorkingCopy
{
    /// <summary>Folds an event just emitted in the unit of work.</summary>
    /// <param name="communityEvent">The stamped event.</param>
    void Observe(CommunityEvent communityEvent);
}
