namespace CommunitySdk.Internal;

internal sealed class MemberDirectory(ICommunity community, Projections.ProjectionCoordinator projections) : IMemberDirectory
{
    private const int MaxProfileNameLength = Activity.MaxAttributeNameLength - 8; // "profile." prefix

    public async ValueTask<ActivityOutcome> JoinAsync(CommunityId communityId, MemberId member, JoinRequest? request = null, CancellationToken cancellationToken = default)
    {
        ActivityPipeline.RequireIds(communityId, member);
        request ??= new JoinRequest();
        var attributes = ProfileAttributes(request.Profile, "request.profile");
        if (request.ReferralCode is { } code)
        {
            attributes[CommunityActivityTypes.ReferralCodeAttribute] = code;
        }

        if (request.VisitorId is { } visitor)
        {
            attributes[CommunityActivityTypes.VisitorAttribute] = visitor;
        }

        if (request.Fingerprint is { } fingerprint)
        {
            attributes[CommunityActivityTypes.FingerprintAttribute] = fingerprint;
        }

        var activity = new Activity
        {
            IdempotencyKey = request.IdempotencyKey ?? $"{CommunityActivityTypes.MemberJoined}:{member}",
            Community = communityId,
            Member = member,
            Type = CommunityActivityTypes.MemberJoined,
            OccurredAt = request.JoinedAt,
            Attributes = attributes,
        };
        try
        {
            return await community.RecordAsync(activity, cancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyConflictException) when (request.IdempotencyKey is null)
        {
            // The default key is per member: a conflict means "joined before with other details".
            throw new MemberAlreadyJoinedException(communityId, member);
        }
    }

    public ValueTask<ActivityOutcome> UpdateProfileAsync(CommunityId communityId, MemberId member, IReadOnlyDictionary<string, string> changes, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ActivityPipeline.RequireIds(communityId, member);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            throw new CommunityValidationException("changes", "must name at least one attribute");
        }

        return community.RecordAsync(
            new Activity
            {
                IdempotencyKey = idempotencyKey,
                Community = communityId,
                Member = member,
                Type = CommunityActivityTypes.MemberProfileUpdated,
                Attributes = ProfileAttributes(changes, "changes"),
            },
            cancellationToken);
    }

    public async ValueTask<MemberInfo?> GetAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        ActivityPipeline.RequireIds(communityId, member);
        return await projections.ReadMembersAsync(communityId, m => m.Info(m.IndexOf(member)), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<MemberInfo>> ListAsync(CommunityId communityId, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        if (skip < 0)
        {
            throw new CommunityValidationException("skip", "must not be negative");
        }

        if (take is < 1 or > ActivityPageRequest.MaxPageSize)
        {
            throw new CommunityValidationException("take", $"must be between 1 and {ActivityPageRequest.MaxPageSize}");
        }

        return await projections.ReadMembersAsync<IReadOnlyList<MemberInfo>>(communityId, m => InJoinOrder(m, skip, take), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> CountAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        return await projections.ReadMembersAsync(communityId, m => m.JoinedCount, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Joined members by join number.</summary>
    private static MemberInfo[] InJoinOrder(CommunityMembers members, int skip, int take)
    {
        var page = new List<MemberInfo>(Math.Max(0, Math.Min(take, members.JoinedCount - skip)));
        for (var number = skip + 1; number <= members.JoinedCount && page.Count < take; number++)
        {
            page.Add(members.Info(members.IndexOfNumber(number))!);
        }

        return [.. page];
    }

    private static Dictionary<string, string> ProfileAttributes(IReadOnlyDictionary<string, string>? profile, string field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in profile ?? new Dictionary<string, string>())
        {
            var reason = Activity.CheckName(name, MaxProfileNameLength);
            if (reason is not null)
            {
                throw new CommunityValidationException($"{field}[{name}]", $"name {reason}");
            }

            attributes[CommunityActivityTypes.ProfileAttributePrefix + name] = value;
        }

        return attributes;
    }
}
