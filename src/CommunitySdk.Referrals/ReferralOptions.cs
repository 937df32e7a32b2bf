using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace CommunitySdk.Referrals;

/// <summary>Referral settings. Bind from configuration (section <c>Community:Referrals</c>) or set in code.</summary>
public sealed class ReferralOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Referrals";

    /// <summary>The hard maximum of <see cref="RewardLevels"/>: deeper commission chains are treated as pyramid selling in many jurisdictions.</summary>
    public const int MaxLevels = 3;

    /// <summary>Length of generated codes, 5 to 12. Default 7.</summary>
    [Range(5, 12)]
    public int CodeLength { get; set; } = 7;

    /// <summary>How long a click can be attributed a join, 1 minute to 365 days. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most anonymous visitors whose referral clicks one community keeps, 1 to 10,000,000. Default 100,000.
    /// Clicks older than <see cref="AttributionWindow"/> are dropped; beyond this limit the visitor seen longest ago
    /// is forgotten, so made-up visitor ids cannot grow memory without bound.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxClickVisitors { get; set; } = 100_000;

    /// <summary>Which click wins when a visitor followed several codes. Default the last.</summary>
    public AttributionModel Attribution { get; set; } = AttributionModel.LastClick;

    /// <summary>The activity type that qualifies a referral. Default <c>order.completed</c>.</summary>
    [Required]
    public string QualifyingActivityType { get; set; } = "order.completed";

    /// <summary>The least <see cref="Activity.Value"/> a qualifying activity must have. Default 0.</summary>
    [Range(typeof(decimal), "0", "1000000000000")]
    public decimal QualifyingMinimumValue { get; set; }

    /// <summary>Days after joining within which the invitee must qualify, 1 to 3650. Default 30.</summary>
    [Range(1, 3650)]
    public int QualificationDays { get; set; } = 30;

    /// <summary>The points currency rewards are paid in; required when a reward is set.</summary>
    public string? RewardCurrency { get; set; }

    /// <summary>What the inviter (level 1) earns for a qualified referral. 0 for no reward (Lobsters style).</summary>
    [Range(typeof(decimal), "0", "1000000000000")]
    public decimal InviterReward { get; set; }

    /// <summary>What the invitee earns when they qualify.</summary>
    [Range(typeof(decimal), "0", "1000000000000")]
    public decimal InviteeReward { get; set; }

    /// <summary>Ancestor levels that share a referral's reward, 1 (default: only the inviter) to <see cref="MaxLevels"/>.</summary>
    /// <remarks>Configuration key <c>MaxRewardLevels</c>, the fluent method's name.</remarks>
    [ConfigurationKeyName("MaxRewardLevels")]
    public int RewardLevels { get; set; } = 1;

    /// <summary>Share of <see cref="InviterReward"/> each level gets: level 1, 2, 3. Default 1, 0.5, 0.25.</summary>
    public IList<decimal> LevelShares { get; } = [1m, 0.5m, 0.25m];

    /// <summary>Invite links a member may create per day (community time zone), 0 to 10,000. Default 10.</summary>
    [Range(0, 10_000)]
    public int DailyInviteQuota { get; set; } = 10;

    /// <summary>Fraud rules that hold a referral for an operator.</summary>
    public ReferralFraudOptions Fraud { get; } = new();

    /// <summary>Branch health: suspending inviters whose invitees keep getting banned.</summary>
    public BranchHealthOptions BranchHealth { get; } = new();

    /// <summary>Who may invite to the community as a whole. Default open.</summary>
    public InvitePolicy DefaultPolicy { get; set; } = InvitePolicy.Open;

    /// <summary>The community's owners: with <see cref="InvitePolicy.OwnerOnly"/>, only they may invite.</summary>
    public IList<string> Owners { get; } = [];

    /// <summary>Invite policy per segment (circle), keyed by segment name.</summary>
    public IDictionary<string, SegmentPolicy> Segments { get; } = new Dictionary<string, SegmentPolicy>(StringComparer.Ordinal);

    /// <summary>Rewards both sides of a qualified referral in <paramref name="currency"/>.</summary>
    /// <param name="inviter">The inviter's reward (level 1).</param>
    /// <param name="invitee">The invitee's reward.</param>
    /// <param name="currency">The currency; may be left out when points declare a single currency.</param>
    /// <returns>These options.</returns>
    public ReferralOptions RewardBoth(decimal inviter, decimal invitee, string? currency = null)
    {
        InviterReward = inviter;
        InviteeReward = invitee;
        RewardCurrency = currency ?? RewardCurrency;
        return this;
    }

    /// <summary>Sets how many ancestor levels share the reward (at most 3).</summary>
    /// <param name="levels">1 to 3.</param>
    /// <returns>These options.</returns>
    public ReferralOptions MaxRewardLevels(int levels)
    {
        RewardLevels = levels;
        return this;
    }
}

/// <summary>Which click a join is attributed to.</summary>
public enum AttributionModel
{
    /// <summary>The first click in the window.</summary>
    FirstClick,

    /// <summary>The last click in the window.</summary>
    LastClick,
}

/// <summary>Who may invite.</summary>
public enum InvitePolicy
{
    /// <summary>Any member (of the segment) may invite — WeChat groups.</summary>
    Open,

    /// <summary>Only the owners may invite — QQ groups.</summary>
    OwnerOnly,
}

/// <summary>A segment's invite policy.</summary>
public sealed class SegmentPolicy
{
    /// <summary>Who may invite to the segment.</summary>
    public InvitePolicy Policy { get; set; } = InvitePolicy.Open;

    /// <summary>The segment's owners.</summary>
    public IList<string> Owners { get; } = [];
}

/// <summary>Fraud rules. A match holds the referral for an operator; nothing is dropped silently.</summary>
public sealed class ReferralFraudOptions
{
    /// <summary>Hold when inviter and invitee share a fingerprint hash. Default on.</summary>
    public bool HoldSelfReferral { get; set; } = true;

    /// <summary>Hold the referral that would be number N+1 qualified from one fingerprint hash. Default 3.</summary>
    [Range(1, 1_000_000)]
    public int MaxConversionsPerFingerprint { get; set; } = 3;

    /// <summary>Hold when a code admitted more than this many joins within <see cref="VelocityWindow"/>. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int MaxJoinsPerCodeInWindow { get; set; } = 20;

    /// <summary>The window of the velocity rule. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan VelocityWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Hold when the inviter was already rewarded this many times this calendar month. Default 50.</summary>
    [Range(1, 1_000_000)]
    public int MaxRewardedPerInviterPerMonth { get; set; } = 50;
}

/// <summary>When an inviter's branch is unhealthy: enough problematic invitees, or too small a good share.</summary>
public sealed class BranchHealthOptions
{
    /// <summary>Whether an unhealthy branch suspends its inviter's inviting. Default off (health is still reported).</summary>
    public bool SuspendUnhealthy { get; set; }

    /// <summary>Unhealthy at this many banned invitees. Default 3.</summary>
    [Range(1, 1_000_000)]
    public int MaxProblematicInvitees { get; set; } = 3;

    /// <summary>Unhealthy below this share of good invitees (with at least <see cref="MinInvitesForShare"/>). Default 0.7.</summary>
    [Range(0.0, 1.0)]
    public double MinGoodShare { get; set; } = 0.7;

    /// <summary>Invitees needed before the share rule applies. Default 5.</summary>
    [Range(1, 1_000_000)]
    public int MinInvitesForShare { get; set; } = 5;
}
