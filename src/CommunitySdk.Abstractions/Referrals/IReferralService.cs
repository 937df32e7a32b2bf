namespace CommunitySdk.Referrals;

/// <summary>Activity types of the referral feature's direct commands.</summary>
public static class ReferralActivityTypes
{
    /// <summary>Creates a code or invite link (attributes <c>code</c>, <c>default</c>, <c>vanity</c>, <c>max_uses</c>, <c>expires_at</c>, <c>segment</c>).</summary>
    public const string CreateCode = "referral.code_created";

    /// <summary>Disables or enables a code (attributes <c>code</c>, <c>enabled</c>).</summary>
    public const string SetCodeStatus = "referral.code_status";

    /// <summary>A visitor followed a code's link (attributes <c>code</c>, <c>visitor</c>).</summary>
    public const string Click = "referral.clicked";

    /// <summary>An operator approves a held referral (attribute <c>invitee</c>).</summary>
    public const string Approve = "referral.approved";

    /// <summary>An operator rejects a held referral (attributes <c>invitee</c>, <c>reason</c>).</summary>
    public const string Reject = "referral.rejected";

    /// <summary>An operator bans a member (attribute <c>reason</c>).</summary>
    public const string Ban = "member.banned";
}

/// <summary>Where a referral stands.</summary>
public enum ReferralStatus
{
    /// <summary>Joined through an inviter, not yet qualified.</summary>
    Joined,

    /// <summary>Qualified but held for an operator by fraud rules.</summary>
    Held,

    /// <summary>Qualified and rewarded.</summary>
    Rewarded,

    /// <summary>Rejected by an operator.</summary>
    Rejected,

    /// <summary>Rewarded, then its qualifying activity was reversed and the rewards taken back.</summary>
    Reversed,
}

/// <summary>One referral: an invitee and who brought them.</summary>
/// <param name="Invitee">The member who joined.</param>
/// <param name="Inviter">The member who invited them.</param>
/// <param name="Code">The code used.</param>
/// <param name="JoinedAt">When they joined.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="HoldReasons">Why it is held, when it is.</param>
public sealed record Referral(MemberId Invitee, MemberId Inviter, string Code, DateTimeOffset JoinedAt, ReferralStatus Status, IReadOnlyList<string> HoldReasons);

/// <summary>A code as its owner sees it.</summary>
/// <param name="Code">The code.</param>
/// <param name="Owner">The owner.</param>
/// <param name="Uses">Joins it admitted.</param>
/// <param name="MaxUses">Its use limit, if any.</param>
/// <param name="ExpiresAt">When it expires, if ever.</param>
/// <param name="Enabled">Whether it is enabled.</param>
/// <param name="Segment">The segment its invitees join, if any.</param>
public sealed record ReferralCodeInfo(string Code, MemberId Owner, int Uses, int? MaxUses, DateTimeOffset? ExpiresAt, bool Enabled, string? Segment);

/// <summary>An invite link to create.</summary>
public sealed record InviteRequest
{
    /// <summary>A code the owner chooses; <see langword="null"/> to generate one.</summary>
    public string? VanityCode { get; init; }

    /// <summary>How many joins it admits; <see langword="null"/> for unlimited.</summary>
    public int? MaxUses { get; init; }

    /// <summary>When it stops admitting joins.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The segment (circle) invitees join; the segment's invite policy applies.</summary>
    public string? Segment { get; init; }

    /// <summary>The caller's key; defaults to a fresh one (each call creates a link).</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>An inviter's branch health: how their invitees turned out.</summary>
/// <param name="Inviter">The inviter.</param>
/// <param name="Invitees">Direct invitees.</param>
/// <param name="Problematic">Of them, banned or flagged.</param>
/// <param name="GoodShare">Share of invitees not problematic (1 when none).</param>
/// <param name="Suspended">Whether inviting is suspended for this inviter.</param>
public sealed record BranchHealth(MemberId Inviter, int Invitees, int Problematic, double GoodShare, bool Suspended);

/// <summary>Referral codes, attribution, the referral lifecycle and fraud holds.</summary>
public interface IReferralService
{
    /// <summary>The member's default code, created (collision-free, human friendly) on first ask.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The code.</returns>
    ValueTask<ReferralCodeInfo> GetOrCreateCodeAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>The member's default code, or <see langword="null"/> when they have none yet. A read: it never creates one.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The code, or <see langword="null"/>.</returns>
    ValueTask<ReferralCodeInfo?> GetCodeAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>
    /// A code as a sign-up page shows it ("Lena invited you"): its owner, uses, limit, expiry and whether it is enabled,
    /// found the way joins find it (case and look-alike characters ignored). A read; never records anything.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="code">The code as typed or taken from a link.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The code, or <see langword="null"/> when the community has no such code.</returns>
    ValueTask<ReferralCodeInfo?> FindCodeAsync(CommunityId community, string code, CancellationToken cancellationToken = default);

    /// <summary>Creates an invite link (a vanity code, a use limit, an expiry, a segment). Counts against the daily invite quota.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The owner.</param>
    /// <param name="request">The link.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The code.</returns>
    ValueTask<ReferralCodeInfo> CreateInviteAsync(CommunityId community, MemberId member, InviteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Disables or re-enables a code.</summary>
    /// <param name="community">The community.</param>
    /// <param name="code">The code.</param>
    /// <param name="enabled">Whether it admits joins.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> SetCodeEnabledAsync(CommunityId community, string code, bool enabled, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Records a visit through a code's link by an anonymous visitor, for attribution of a later join.</summary>
    /// <param name="community">The community.</param>
    /// <param name="code">The code.</param>
    /// <param name="visitorId">The visitor's anonymous id (cookie).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> RecordClickAsync(CommunityId community, string code, string visitorId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator approves a held referral: its rewards are given.</summary>
    /// <param name="community">The community.</param>
    /// <param name="invitee">The invitee.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> ApproveAsync(CommunityId community, MemberId invitee, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator rejects a held referral.</summary>
    /// <param name="community">The community.</param>
    /// <param name="invitee">The invitee.</param>
    /// <param name="reason">Why.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> RejectAsync(CommunityId community, MemberId invitee, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Bans a member; the outcome's <see cref="MemberBanned"/> reports the chain above them, and branch health is updated.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="reason">Why.</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> BanAsync(CommunityId community, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>The referral that brought a member in, or <see langword="null"/>.</summary>
    /// <param name="community">The community.</param>
    /// <param name="invitee">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The referral or <see langword="null"/>.</returns>
    ValueTask<Referral?> GetReferralAsync(CommunityId community, MemberId invitee, CancellationToken cancellationToken = default);

    /// <summary>Referrals waiting for an operator, oldest first.</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The held referrals.</returns>
    ValueTask<IReadOnlyList<Referral>> GetHeldAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>An inviter's branch health.</summary>
    /// <param name="community">The community.</param>
    /// <param name="inviter">The inviter.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The health.</returns>
    ValueTask<BranchHealth> GetBranchHealthAsync(CommunityId community, MemberId inviter, CancellationToken cancellationToken = default);
}

/// <summary>
/// The invite forest: who brought whom. A member has at most one inviter, set once at join, so the graph is a
/// forest by construction. Joins cost O(depth); ancestor queries O(k).
/// </summary>
public interface IInviteGraph
{
    /// <summary>The member's inviter, or <see langword="null"/> for a root.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The inviter or <see langword="null"/>.</returns>
    ValueTask<MemberId?> GetInviterAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Ancestors, nearest first, at most <paramref name="levels"/> of them.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="levels">How many levels up, at least 1.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The ancestors.</returns>
    ValueTask<IReadOnlyList<MemberId>> GetAncestorsAsync(CommunityId community, MemberId member, int levels, CancellationToken cancellationToken = default);

    /// <summary>The whole path from the member's inviter up to the root.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The path, inviter first.</returns>
    ValueTask<IReadOnlyList<MemberId>> GetPathToRootAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Direct invitees in join order, paged.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The inviter.</param>
    /// <param name="skip">How many to skip.</param>
    /// <param name="take">How many, 1 to 500.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The invitees.</returns>
    ValueTask<IReadOnlyList<MemberId>> GetInviteesAsync(CommunityId community, MemberId member, int skip = 0, int take = 100, CancellationToken cancellationToken = default);

    /// <summary>How many members are below this one in the forest (the subtree size, without the member).</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The descendant count.</returns>
    ValueTask<int> GetDescendantCountAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>The member's depth: 0 for a root, 1 for a root's invitee, ...</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The depth, or -1 when the member is not in the forest.</returns>
    ValueTask<int> GetDepthAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>Inviters ordered by qualified (rewarded) invitees, most first; ties by member id.</summary>
    /// <param name="community">The community.</param>
    /// <param name="count">How many, 1 to 500.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>Inviter and count.</returns>
    ValueTask<IReadOnlyList<(MemberId Inviter, int Qualified)>> GetTopInvitersAsync(CommunityId community, int count, CancellationToken cancellationToken = default);
}
