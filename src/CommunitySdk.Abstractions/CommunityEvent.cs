namespace CommunitySdk;

/// <summary>
/// Base of every event (effect) the SDK produces. Events are published after commit, at least once:
/// a handler may see one twice and dedupes on (<see cref="Community"/>, <see cref="ActivityId"/>, <see cref="Index"/>).
/// The activity pipeline stamps <see cref="Community"/>, <see cref="ActivityId"/>, <see cref="Index"/> and
/// <see cref="OccurredAt"/>; a feature sets <see cref="Member"/> and its own fields.
/// </summary>
public abstract record CommunityEvent
{
    /// <summary>The community.</summary>
    public CommunityId Community { get; init; }

    /// <summary>The member the event is about (not always the activity's member: an inviter gets a referral reward).</summary>
    public required MemberId Member { get; init; }

    /// <summary>The activity that produced the event.</summary>
    public long ActivityId { get; init; }

    /// <summary>The event's position among its activity's events, from 0.</summary>
    public int Index { get; init; }

    /// <summary>The effective time of the activity that produced it.</summary>
    public DateTimeOffset OccurredAt { get; init; }
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
