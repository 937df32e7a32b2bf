namespace CommunitySdk;

/// <summary>Base class of every exception the SDK throws on purpose.</summary>
public abstract class CommunityException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected CommunityException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Input was rejected. <see cref="Field"/> names the offending field (for example <c>activity.type</c> or
/// <c>activity.attributes[city]</c>) and <see cref="Reason"/> says what is wrong. Nothing was written.
/// </summary>
public class CommunityValidationException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The offending field.</param>
    /// <param name="reason">What is wrong with it.</param>
    public CommunityValidationException(string field, string reason)
        : base($"Invalid {field}: {reason}.")
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The offending field.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; }
}

/// <summary>
/// An activity reused an idempotency key that was already recorded with a different payload. Retrying
/// the same payload is fine (it returns the first outcome); reusing a key for something else is a bug.
/// </summary>
public sealed class IdempotencyConflictException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The community.</param>
    /// <param name="idempotencyKey">The reused key.</param>
    /// <param name="existingActivityId">The activity first recorded under that key.</param>
    public IdempotencyConflictException(CommunityId community, string idempotencyKey, long existingActivityId)
        : base($"Idempotency key '{idempotencyKey}' in community '{community}' was already used by activity {existingActivityId} with a different payload.")
    {
        Community = community;
        IdempotencyKey = idempotencyKey;
        ExistingActivityId = existingActivityId;
    }

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The reused key.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The activity first recorded under the key.</summary>
    public long ExistingActivityId { get; }
}

/// <summary>The member has not joined the community (and automatic joining is off).</summary>
public sealed class MemberNotFoundException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The unknown member.</param>
    public MemberNotFoundException(CommunityId community, MemberId member)
        : base($"Member '{member}' has not joined community '{community}'.")
    {
        Community = community;
        Member = member;
    }

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The unknown member.</summary>
    public MemberId Member { get; }
}

/// <summary>The member already joined the community; a member joins once (the inviter is set at join).</summary>
public sealed class MemberAlreadyJoinedException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    public MemberAlreadyJoinedException(CommunityId community, MemberId member)
        : base($"Member '{member}' already joined community '{community}'.")
    {
        Community = community;
        Member = member;
    }

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The member.</summary>
    public MemberId Member { get; }
}

/// <summary>
/// The community is not one this host declared (see <c>CommunityOptions.Communities</c> or a registered
/// <see cref="ICommunityResolver"/>). Nothing was read, written or allocated for it.
/// </summary>
public sealed class UnknownCommunityException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The unknown community.</param>
    public UnknownCommunityException(CommunityId community)
        : base($"Community '{community}' is not declared by this host.")
    {
        Community = community;
    }

    /// <summary>The unknown community.</summary>
    public CommunityId Community { get; }
}

/// <summary>
/// A configured resource limit was reached (distinct activity types of a community, communities of a process, ...).
/// <see cref="Limit"/> names the option that sets it. Nothing was written.
/// </summary>
public sealed class CommunityLimitExceededException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The option that sets the limit, for example <c>CommunityOptions.MaxActivityTypes</c>.</param>
    /// <param name="maximum">The limit.</param>
    /// <param name="detail">What was refused.</param>
    public CommunityLimitExceededException(string limit, long maximum, string detail)
        : base($"{detail} ({limit} is {maximum}).")
    {
        Limit = limit;
        Maximum = maximum;
    }

    /// <summary>The option that sets the limit.</summary>
    public string Limit { get; }

    /// <summary>The limit.</summary>
    public long Maximum { get; }
}

/// <summary>
/// A projection failed to fold an activity, so its state can no longer be trusted: its queries and the
/// community's writes are refused until <c>ICommunityReplayer.RebuildAsync</c> repairs it (the health check reports
/// it meanwhile). The log itself is intact.
/// </summary>
public sealed class ProjectionFaultedException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="community">The community.</param>
    /// <param name="projection">The projection's name.</param>
    /// <param name="activityId">The activity it failed on.</param>
    /// <param name="innerException">What it threw.</param>
    public ProjectionFaultedException(CommunityId community, string projection, long activityId, Exception? innerException = null)
        : base($"Projection '{projection}' of community '{community}' failed on activity {activityId}; rebuild it (ICommunityReplayer.RebuildAsync).", innerException)
    {
        Community = community;
        Projection = projection;
        ActivityId = activityId;
    }

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The projection's name.</summary>
    public string Projection { get; }

    /// <summary>The activity it failed on.</summary>
    public long ActivityId { get; }
}

/// <summary>
/// The store could not be reached or gave up for a transient reason (a lost connection, a database restarting, a
/// timeout, a busy file). Nothing about the outcome is lost: retry with the same idempotency key, which records the
/// activity once whether or not the failed attempt committed. Over HTTP this is 503 with <c>Retry-After</c>.
/// </summary>
public sealed class CommunityStoreUnavailableException : CommunityException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store's name (for example <c>PostgreSQL</c>).</param>
    /// <param name="innerException">The provider's exception.</param>
    public CommunityStoreUnavailableException(string store, Exception innerException)
        : base($"The {store} store is unavailable ({innerException?.Message}); retry with the same idempotency key.", innerException)
    {
        Store = store;
    }

    /// <summary>The store's name.</summary>
    public string Store { get; }
}
