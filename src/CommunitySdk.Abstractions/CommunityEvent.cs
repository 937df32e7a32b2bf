namespace CommunitySdk;

/// <summary>
/// Base of every event (effect) the SDK produces. Events are published after commit, at least once:
/// a handler may see one twice and dedupes on (<see cref="Community"/>, <see cref="ActivityId"/>, <see cref="Index"/>).
/// The activity pipeline stamps <see cref="Community"/>, <see cref="ActivityId"/>, <see cref="Index"/> and
/// <see cref="OccurredAt"/>; a feature sets <see cref="Member"/> and its own fields.
/// </summary>
public abstract record CommunityEvent
{
    private CommunityId _community;
    private long _activityId;
    private int _index;
    private DateTimeOffset _occurredAt;
    private MemberId _member;

    /// <summary>The community.</summary>
    public CommunityId Community { get => _community; init => _community = value; }

    /// <summary>The member the event is about (not always the activity's member: an inviter gets a referral reward).</summary>
    public required MemberId Member { get => _member; init => _member = value; }

    /// <summary>The activity that produced the event.</summary>
    public long ActivityId { get => _activityId; init => _activityId = value; }

    /// <summary>The event's position among its activity's events, from 0.</summary>
    public int Index { get => _index; init => _index = value; }

    /// <summary>The effective time of the activity that produced it.</summary>
    public DateTimeOffset OccurredAt { get => _occurredAt; init => _occurredAt = value; }

    /// <summary>Stamps a fresh event (one never emitted: its activity id is 0) in place, sparing a copy per event.</summary>
    internal void Stamp(CommunityId community, long activityId, int index, DateTimeOffset occurredAt)
    {
        _community = community;
        _activityId = activityId;
        _index = index;
        _occurredAt = occurredAt;
    }

    /// <summary>
    /// Restores the fields the compact log leaves out of a stored event (they are its activity's): the stamp always,
    /// the member when it was the activity's own. An event stored in full keeps what it says.
    /// </summary>
    internal void Restamp(CommunityId community, long activityId, int index, DateTimeOffset occurredAt, MemberId activityMember)
    {
        if (_activityId == 0)
        {
            Stamp(community, activityId, index, occurredAt);
        }

        if (_member.IsEmpty)
        {
            _member = activityMember;
        }
    }
}

/// <summary>A member joined the community.</summary>
public sealed record MemberJoined : CommunityEvent
{
    /// <summary>Profile attributes given at join (city, segments, ...).</summary>
    public required IReadOnlyDictionary<string, string> Profile { get; init; }

    /// <summary>Whether the member joined implicitly with their first activity.</summary>
    public bool Implicit { get; init; }
}

/// <summary>A member's profile attributes changed. Attributes with an empty value were removed.</summary>
public sealed record MemberProfileUpdated : CommunityEvent
{
    /// <summary>The changed attributes; an empty value removes the attribute.</summary>
    public required IReadOnlyDictionary<string, string> Changes { get; init; }
}

/// <summary>
/// An earlier activity was reversed. Features react to it in the same unit of work (the reversed activity, with
/// its events, is available to reactors there) and fold it afterwards. A source is reversed at most once.
/// </summary>
public sealed record ActivityReversed : CommunityEvent
{
    /// <summary>The reversed activity's idempotency key.</summary>
    public required string SourceKey { get; init; }

    /// <summary>The reversed activity's id.</summary>
    public required long SourceActivityId { get; init; }

    /// <summary>The reversed activity's type.</summary>
    public required string SourceType { get; init; }

    /// <summary>When the reversed activity counted as having happened.</summary>
    public required DateTimeOffset SourceOccurredAt { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}
