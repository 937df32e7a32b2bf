namespace CommunitySdk;

/// <summary>
/// A feature's reaction to activities. Reactors run in ascending <see cref="Order"/> inside one unit of
/// work (membership 0, points 100, badges 200, referrals 300, scoring 400); each adds effects to the
/// <see cref="ActivityContext"/>. Throwing rejects the whole activity and leaves state unchanged.
/// </summary>
public interface IActivityReactor
{
    /// <summary>Where this reactor runs in the chain; lower runs first.</summary>
    int Order { get; }

    /// <summary>Reacts to one activity.</summary>
    /// <param name="context">The unit of work.</param>
    /// <param name="cancellationToken">Cancels the activity.</param>
    /// <returns>A task that completes when the reactor is done.</returns>
    ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A read model derived from the log: it folds committed activities and their events into state that a
/// feature's queries read. Projections are applied after commit, in log order, exactly once per activity,
/// and can be rebuilt by replay.
/// </summary>
public interface ICommunityProjection
{
    /// <summary>Folds one committed activity (and its events) into the projection. Must not throw.</summary>
    /// <param name="committed">The committed activity.</param>
    void Apply(CommittedActivity committed);

    /// <summary>Forgets everything about one community (before a replay).</summary>
    /// <param name="community">The community.</param>
    void Reset(CommunityId community);
}

/// <summary>
/// Handles one kind of event after commit. Delivery is at least once: the same event may arrive twice
/// (dedupe on <see cref="CommunityEvent.ActivityId"/> and <see cref="CommunityEvent.Index"/>). A handler
/// that throws has the event delivered again later.
/// </summary>
/// <typeparam name="TEvent">The event type, or <see cref="CommunityEvent"/> for every event.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A handler of community events, not a .NET event delegate; the name is the SDK's public contract.")]
public interface ICommunityEventHandler<in TEvent>
    where TEvent : CommunityEvent
{
    /// <summary>Handles the event.</summary>
    /// <param name="communityEvent">The event.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when handled.</returns>
    ValueTask HandleAsync(TEvent communityEvent, CancellationToken cancellationToken);
}

/// <summary>
/// The calendar of each community: its time zone and first day of the week, where daily caps, day/week/month
/// windows, boards and streaks are cut. Every feature takes its period maths from here, so caps and boards agree.
/// </summary>
public interface ICommunityCalendar
{
    /// <summary>The community's time zone.</summary>
    /// <param name="community">The community.</param>
    /// <returns>The time zone.</returns>
    TimeZoneInfo GetTimeZone(CommunityId community);

    /// <summary>The first day of the community's week. Default Monday.</summary>
    /// <param name="community">The community.</param>
    /// <returns>The day.</returns>
    DayOfWeek GetFirstDayOfWeek(CommunityId community) => DayOfWeek.Monday;

    /// <summary>The calendar date of an instant in the community's time zone.</summary>
    /// <param name="community">The community.</param>
    /// <param name="at">The instant.</param>
    /// <returns>The local date.</returns>
    DateOnly LocalDate(CommunityId community, DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, GetTimeZone(community)).DateTime);

    /// <summary>The first day of the day, week or month that holds <paramref name="day"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="period">The period.</param>
    /// <param name="day">A local date.</param>
    /// <returns>The period's first day.</returns>
    DateOnly PeriodStart(CommunityId community, CalendarPeriod period, DateOnly day) => period switch
    {
        CalendarPeriod.Week => day.AddDays(-(((int)day.DayOfWeek - (int)GetFirstDayOfWeek(community) + 7) % 7)),
        CalendarPeriod.Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    /// <summary>The first instant of a local date in the community's time zone (skipping forward over a daylight-saving gap).</summary>
    /// <param name="community">The community.</param>
    /// <param name="day">The local date.</param>
    /// <returns>The instant.</returns>
    DateTimeOffset StartOf(CommunityId community, DateOnly day) => At(community, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified));

    /// <summary>
    /// The instant of a wall-clock time in the community's time zone (a contest's phases, a meetup's start), skipping
    /// forward over a daylight-saving gap; an ambiguous time is read as standard time.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="local">The wall-clock time (its <see cref="DateTime.Kind"/> is ignored).</param>
    /// <returns>The instant.</returns>
    DateTimeOffset At(CommunityId community, DateTime local)
    {
        var zone = GetTimeZone(community);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

/// <summary>A calendar period of a community.</summary>
public enum CalendarPeriod
{
    /// <summary>A local day.</summary>
    Day,

    /// <summary>A week starting on the community's first day of the week.</summary>
    Week,

    /// <summary>A calendar month.</summary>
    Month,
}
