using System.Text.Json.Serialization;

namespace CommunitySdk.Storage;

/// <summary>
/// Source-generated JSON metadata for the SDK's own event types (and the arrays the log stores), so the write path and
/// the fold read and write them without reflection. Events a host registers itself fall back to reflection.
/// </summary>
[JsonSerializable(typeof(CommunityEvent[]))]
[JsonSerializable(typeof(CommunityEvent))]
[JsonSerializable(typeof(global::CommunitySdk.ActivityReversed))]
[JsonSerializable(typeof(global::CommunitySdk.Badges.BadgeEarned))]
[JsonSerializable(typeof(global::CommunitySdk.Badges.BadgeRevoked))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.InvitingSuspended))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.MemberBanned))]
[JsonSerializable(typeof(global::CommunitySdk.MemberJoined))]
[JsonSerializable(typeof(global::CommunitySdk.MemberProfileUpdated))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsAwarded))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsDeducted))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsExpired))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsExpiring))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsReversed))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsSpent))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsWithheld))]
[JsonSerializable(typeof(global::CommunitySdk.Points.PointsWithheldCancelled))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralClicked))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralCodeCreated))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralCodeStatusChanged))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralHeld))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralJoined))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralQualified))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralRejected))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralReversed))]
[JsonSerializable(typeof(global::CommunitySdk.Referrals.ReferralRewarded))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.ScoreChanged))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.TierChanged))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.TierEndorsed))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.TierGraceCleared))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.TierGraceStarted))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.TierLocked))]
[JsonSerializable(typeof(global::CommunitySdk.Scoring.MemberSuspended))]
internal sealed partial class CommunityEventJsonContext : JsonSerializerContext;
