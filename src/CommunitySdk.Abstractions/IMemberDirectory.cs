namespace CommunitySdk;

/// <summary>Who is in a community: join, profile attributes (city, segments), join time.</summary>
public interface IMemberDirectory
{
    /// <summary>
    /// Joins a member. Joining is an activity (type <see cref="CommunityActivityTypes.MemberJoined"/>) so
    /// the log replays it; features react to it (a referral code in <see cref="JoinRequest.ReferralCode"/>).
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="request">Profile, referral code, time and idempotency key; all optional.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome of the join activity.</returns>
    /// <exception cref="MemberAlreadyJoinedException">The member joined before under another idempotency key.</exception>
    ValueTask<ActivityOutcome> JoinAsync(CommunityId community, MemberId member, JoinRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Changes profile attributes; an empty value removes one.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="changes">The attributes to set or (empty value) remove.</param>
    /// <param name="idempotencyKey">The caller's key for this write.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="MemberNotFoundException">The member has not joined.</exception>
    ValueTask<ActivityOutcome> UpdateProfileAsync(CommunityId community, MemberId member, IReadOnlyDictionary<string, string> changes, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>One member, or <see langword="null"/> when they have not joined.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The member or <see langword="null"/>.</returns>
    ValueTask<MemberInfo?> GetAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Members in join order, paged.</summary>
    /// <param name="community">The community.</param>
    /// <param name="skip">Members to skip.</param>
    /// <param name="take">Members to return, 1 to 500.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The members.</returns>
    ValueTask<IReadOnlyList<MemberInfo>> ListAsync(CommunityId community, int skip = 0, int take = 100, CancellationToken cancellationToken = default);

    /// <summary>How many members have joined.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The count.</returns>
    ValueTask<int> CountAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>Options of a join.</summary>
public sealed record JoinRequest
{
    /// <summary>Profile attributes, for example <c>city</c> and <c>segments</c> (comma separated).</summary>
    public IReadOnlyDictionary<string, string>? Profile { get; init; }

    /// <summary>A referral code the member joined with (used by the referrals feature).</summary>
    public string? ReferralCode { get; init; }

    /// <summary>An anonymous visitor id (a cookie) recorded with earlier referral clicks, for click attribution.</summary>
    public string? VisitorId { get; init; }

    /// <summary>A hash of the device or IP the host computed (never the raw value), used by referral fraud rules.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>When the member joined; <see langword="null"/> for now.</summary>
    public DateTimeOffset? JoinedAt { get; init; }

    /// <summary>The caller's key; defaults to <c>member.joined:{member}</c>, so retrying a join is safe.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A member of a community.</summary>
/// <param name="Community">The community.</param>
/// <param name="Member">The member.</param>
/// <param name="JoinedAt">When they joined.</param>
/// <param name="Profile">Their profile attributes.</param>
public sealed record MemberInfo(CommunityId Community, MemberId Member, DateTimeOffset JoinedAt, IReadOnlyDictionary<string, string> Profile)
{
    /// <summary>The member's place in join order (1 for the first member): a stable public handle that says nothing about <see cref="Member"/>.</summary>
    public int Number { get; init; }

    /// <summary>
    /// The name to show other members: the <c>display_name</c> profile attribute, else <c>Member #</c><see cref="Number"/>.
    /// Never the member id (a shop's user id can be an e-mail address).
    /// </summary>
    public string DisplayName => Profile.TryGetValue(ProfileKeys.DisplayName, out var name) && !string.IsNullOrWhiteSpace(name)
        ? name
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Member #{Number}");

    /// <summary>The <c>city</c> profile attribute, if set.</summary>
    public string? City => Profile.TryGetValue(ProfileKeys.City, out var city) ? city : null;

    /// <summary>The <c>segments</c> profile attribute split on commas.</summary>
    public IReadOnlyList<string> Segments => Profile.TryGetValue(ProfileKeys.Segments, out var s)
        ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : [];
}

/// <summary>Well-known profile attribute names.</summary>
public static class ProfileKeys
{
    /// <summary>The member's city.</summary>
    public const string City = "city";

    /// <summary>Comma-separated segments or circles the member belongs to.</summary>
    public const string Segments = "segments";

    /// <summary>The name other members see (leaderboards, invite trees); see <see cref="MemberInfo.DisplayName"/>.</summary>
    public const string DisplayName = "display_name";
}
