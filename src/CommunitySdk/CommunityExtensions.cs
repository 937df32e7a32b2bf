namespace CommunitySdk;

/// <summary>Helpers for recording command activities, used by the feature services and open to hosts.</summary>
public static class CommunityExtensions
{
    /// <summary>Records a command activity (a direct command such as an endorsement or a ban) with string attributes.</summary>
    /// <param name="community">The activity pipeline.</param>
    /// <param name="communityId">The community.</param>
    /// <param name="member">The member the command is about.</param>
    /// <param name="type">The activity type.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <param name="attributes">Attribute name and value pairs.</param>
    /// <returns>The outcome.</returns>
    public static ValueTask<ActivityOutcome> RecordCommandAsync(
        this ICommunity community,
        CommunityId communityId,
        MemberId member,
        string type,
        string idempotencyKey,
        CancellationToken cancellationToken,
        params (string Name, string Value)[] attributes)
    {
        ArgumentNullException.ThrowIfNull(community);
        ArgumentNullException.ThrowIfNull(attributes);
        return community.RecordAsync(
            new Activity
            {
                IdempotencyKey = idempotencyKey,
                Community = communityId,
                Member = member,
                Type = type,
                Attributes = attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal),
            },
            cancellationToken);
    }
}
