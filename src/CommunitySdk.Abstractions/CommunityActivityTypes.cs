namespace CommunitySdk;

/// <summary>Activity types the core itself handles. Features declare their own command types beside their services.</summary>
public static class CommunityActivityTypes
{
    /// <summary>A member joins the community. Profile attributes are carried with the <see cref="ProfileAttributePrefix"/> prefix.</summary>
    public const string MemberJoined = "member.joined";

    /// <summary>A member's profile attributes change.</summary>
    public const string MemberProfileUpdated = "member.profile_updated";

    /// <summary>
    /// An earlier activity is reversed (an order refunded, a post removed): one core command every feature reacts
    /// to (points taken back, a referral it qualified reversed, counts it fed corrected). Attributes
    /// <see cref="SourceAttribute"/> and <see cref="ReasonAttribute"/>; recorded for the reversed activity's member.
    /// </summary>
    public const string Reverse = "activity.reverse";

    /// <summary>
    /// A member was erased (<see cref="IMemberEraser"/>): recorded for the tombstone, with <see cref="ReasonAttribute"/>; its
    /// event is <see cref="MemberErased"/>. Only the eraser writes it (with the log rewrite, in one transaction).
    /// </summary>
    public const string Erase = "member.erase";

    /// <summary>The attribute of a <see cref="Reverse"/> activity naming the reversed activity's idempotency key.</summary>
    public const string SourceAttribute = "source";

    /// <summary>The attribute of a <see cref="Reverse"/> activity saying why.</summary>
    public const string ReasonAttribute = "reason";

    /// <summary>Prefix of activity attributes that carry profile attributes (for example <c>profile.city</c>).</summary>
    public const string ProfileAttributePrefix = "profile.";

    /// <summary>The attribute of a <see cref="MemberJoined"/> activity carrying the referral code the member joined with.</summary>
    public const string ReferralCodeAttribute = "referral.code";

    /// <summary>The attribute of a <see cref="MemberJoined"/> activity carrying the visitor id of earlier referral clicks.</summary>
    public const string VisitorAttribute = "referral.visitor";

    /// <summary>The attribute of a <see cref="MemberJoined"/> activity carrying the host's device/IP fingerprint hash.</summary>
    public const string FingerprintAttribute = "fingerprint";
}
