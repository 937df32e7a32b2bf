namespace CommunitySdk.Referrals;

/// <summary>A referral code or invite link was created for <see cref="CommunityEvent.Member"/> (its owner).</summary>
public sealed record ReferralCodeCreated : CommunityEvent
{
    /// <summary>The code, upper case.</summary>
    public required string Code { get; init; }

    /// <summary>Whether the owner chose it (a vanity code).</summary>
    public bool Vanity { get; init; }

    /// <summary>Whether this is the owner's default code (rather than an invite link).</summary>
    public bool IsDefault { get; init; }

    /// <summary>How many joins it admits; <see langword="null"/> for unlimited.</summary>
    public int? MaxUses { get; init; }

    /// <summary>When it stops admitting joins; <see langword="null"/> for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The segment (circle) its invitees join, if any.</summary>
    public string? Segment { get; init; }
}

/// <summary>A code was disabled or enabled again.</summary>
public sealed record ReferralCodeStatusChanged : CommunityEvent
{
    /// <summary>The code.</summary>
    public required string Code { get; init; }

    /// <summary>Whether it now admits joins.</summary>
    public required bool Enabled { get; init; }
}

/// <summary>A visitor followed a code's link (the event's member is the code's owner).</summary>
public sealed record ReferralClicked : CommunityEvent
{
    /// <summary>The code.</summary>
    public required string Code { get; init; }

    /// <summary>The anonymous visitor id.</summary>
    public required string VisitorId { get; init; }
}

/// <summary>A member (the event's member) joined through an inviter: the invite edge is set, once, forever.</summary>
public sealed record ReferralJoined : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }

    /// <summary>The code the join was attributed to.</summary>
    public required string Code { get; init; }

    /// <summary>How it was attributed.</summary>
    public required string AttributedBy { get; init; }
}

/// <summary>The invitee (the event's member) did the qualifying activity within the window.</summary>
public sealed record ReferralQualified : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }

    /// <summary>The idempotency key of the qualifying activity; refunding it reverses the referral.</summary>
    public required string QualifyingKey { get; init; }
}

/// <summary>A qualified referral is held for an operator because fraud rules matched. No reward was given.</summary>
public sealed record ReferralHeld : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }

    /// <summary>Which rules matched, in words.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }
}

/// <summary>A referral's rewards were given (the event's member is the invitee; the awards are separate <c>PointsAwarded</c> effects).</summary>
public sealed record ReferralRewarded : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }

    /// <summary>Whether an operator approved a held referral.</summary>
    public bool Approved { get; init; }
}

/// <summary>An operator rejected a held referral; it will never be rewarded.</summary>
public sealed record ReferralRejected : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }

    /// <summary>The operator's reason.</summary>
    public required string Reason { get; init; }
}

/// <summary>The qualifying activity was reversed (refunded): the referral's rewards were taken back at every level.</summary>
public sealed record ReferralReversed : CommunityEvent
{
    /// <summary>The inviter.</summary>
    public required MemberId Inviter { get; init; }
}

/// <summary>A member (the event's member) was banned. <see cref="Chain"/> reports who brought them in.</summary>
public sealed record MemberBanned : CommunityEvent
{
    /// <summary>The operator's reason.</summary>
    public required string Reason { get; init; }

    /// <summary>The invite chain above the member: inviter first, up to the root.</summary>
    public required IReadOnlyList<MemberId> Chain { get; init; }
}

/// <summary>An inviter's branch fell below the health threshold: their codes stop admitting joins.</summary>
public sealed record InvitingSuspended : CommunityEvent
{
    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }
}
