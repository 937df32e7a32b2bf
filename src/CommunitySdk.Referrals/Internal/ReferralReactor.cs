using System.Globalization;
using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Referrals.Internal;

/// <summary>
/// The referral reactor (order 300): attributes joins, runs the qualification → fraud check → reward
/// lifecycle, handles codes, clicks, operator decisions and bans, and notices refunds of qualifying activities.
/// </summary>
internal sealed class ReferralReactor(ReferralProjection projection, IOptions<ReferralOptions> options, IServiceProvider services) : IActivityReactor
{
    public const int ReactorOrder = 300;
    private readonly ReferralOptions _options = options.Value;
    private readonly IPointsAwarder? _awarder = services.GetService<IPointsAwarder>();

    public int Order => ReactorOrder;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var state = projection.Of(context);
        var members = CommunityMembers.Of(context);
        switch (context.Activity.Type)
        {
            case CommunityActivityTypes.MemberJoined: OnJoin(context, state); break;
            case ReferralActivityTypes.CreateCode: OnCreateCode(context, state); break;
            case ReferralActivityTypes.SetCodeStatus: OnSetStatus(context, state); break;
            case ReferralActivityTypes.Click: OnClick(context, state); break;
            case ReferralActivityTypes.Approve: OnApprove(context, state, members); break;
            case ReferralActivityTypes.Reject: OnReject(context, state); break;
            case ReferralActivityTypes.Ban: OnBan(context, state, members); break;
            case CommunityActivityTypes.Reverse or "points.reverse": OnReverse(context, state); break;
            default:
                if (context.Activity.Type == _options.QualifyingActivityType)
                {
                    OnQualifying(context, state, members);
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    private void OnJoin(ActivityContext context, CommunityReferrals state)
    {
        var now = context.EffectiveTime;
        CodeState? code = null;
        string attributedBy;
        if (context.Activity.GetAttribute(CommunityActivityTypes.ReferralCodeAttribute) is { } text)
        {
            code = Find(state, text, "referralCode");
            if (Unusable(state, code, now) is { } reason)
            {
                throw new CommunityValidationException("referralCode", reason);
            }

            attributedBy = "code";
        }
        else if (context.Activity.GetAttribute(CommunityActivityTypes.VisitorAttribute) is { } visitor && state.Clicks.TryGetValue(visitor, out var clicks))
        {
            var inWindow = clicks.Where(c => c.At <= now && c.At >= now - _options.AttributionWindow).ToArray();
            var pick = _options.Attribution == AttributionModel.FirstClick ? inWindow.FirstOrDefault() : inWindow.LastOrDefault();
            code = pick.Code is null ? null : state.Codes.GetValueOrDefault(CodeRules.Skeleton(pick.Code));
            if (code is null || Unusable(state, code, now) is not null)
            {
                return; // attribution by click is best effort
            }

            attributedBy = "click";
        }
        else
        {
            return;
        }

        if (code.Owner == context.Member)
        {
            throw new CommunityValidationException("referralCode", "a member cannot join with their own code");
        }

        context.Emit(new ReferralJoined { Member = context.Member, Inviter = code.Owner, Code = code.Code, AttributedBy = attributedBy });
        if (code.Segment is { } segment)
        {
            var joined = context.Events.OfType<MemberJoined>().FirstOrDefault(j => j.Member == context.Member);
            var segments = joined?.Profile.GetValueOrDefault(ProfileKeys.Segments) is { Length: > 0 } existing ? $"{existing},{segment}" : segment;
            context.Emit(new MemberProfileUpdated { Member = context.Member, Changes = new Dictionary<string, string> { [ProfileKeys.Segments] = segments } });
        }
    }

    private void OnCreateCode(ActivityContext context, CommunityReferrals state)
    {
        var a = context.Activity;
        var text = a.GetRequiredString("code");
        var vanity = a.GetBoolean("vanity");
        var isDefault = a.GetBoolean("default");
        var maxUses = a.GetInt32("max_uses", "maxUses", min: 1, max: CodeRules.MaxUses);
        var expiresAt = a.GetDateTimeOffset("expires_at", "expiresAt");
        if (CodeRules.Check(text, vanity) is { } bad)
        {
            throw new CommunityValidationException("code", bad);
        }

        var code = CodeRules.Normalize(text);
        if (state.Codes.ContainsKey(CodeRules.Skeleton(code)))
        {
            throw new CommunityValidationException("code", CodeTaken);
        }

        var segment = a.GetAttribute("segment");
        CheckMayInvite(context.Member, segment, state);
        if (isDefault)
        {
            if (state.DefaultCodes.ContainsKey(context.Member))
            {
                throw new CommunityValidationException("code", "the member already has a default code");
            }
        }
        else
        {
            var today = projection.LocalDate(context.Community, context.EffectiveTime);
            if (state.InvitesPerDay.TryGetValue(context.Member, out var invites) && invites.Day == today && invites.Count >= _options.DailyInviteQuota)
            {
                throw new CommunityValidationException("quota", $"member '{context.Member}' already created {_options.DailyInviteQuota} invites today");
            }
        }

        if (expiresAt <= context.EffectiveTime)
        {
            throw new CommunityValidationException("expiresAt", "must be in the future");
        }

        context.Emit(new ReferralCodeCreated { Member = context.Member, Code = code, Vanity = vanity, IsDefault = isDefault, MaxUses = maxUses, ExpiresAt = expiresAt, Segment = segment });
    }

    private static void OnSetStatus(ActivityContext context, CommunityReferrals state)
    {
        var code = Find(state, context.Activity.GetAttribute("code"), "code");
        context.Emit(new ReferralCodeStatusChanged { Member = code.Owner, Code = code.Code, Enabled = context.Activity.GetBoolean("enabled") });
    }

    private static void OnClick(ActivityContext context, CommunityReferrals state)
    {
        var code = Find(state, context.Activity.GetAttribute("code"), "code");
        var visitor = context.Activity.GetAttribute("visitor");
        if (string.IsNullOrEmpty(visitor))
        {
            throw new CommunityValidationException("visitorId", "is required");
        }

        context.Emit(new ReferralClicked { Member = code.Owner, Code = code.Code, VisitorId = visitor });
    }

    private void OnQualifying(ActivityContext context, CommunityReferrals state, CommunityMembers members)
    {
        if (!state.Referrals.TryGetValue(context.Member, out var referral)
            || referral.Status != ReferralStatus.Joined
            || context.EffectiveTime > referral.JoinedAt.AddDays(_options.QualificationDays)
            || (context.Activity.Value ?? 0) < _options.QualifyingMinimumValue)
        {
            return;
        }

        var key = context.Activity.IdempotencyKey;
        context.Emit(new ReferralQualified { Member = referral.Invitee, Inviter = referral.Inviter, QualifyingKey = key });
        var reasons = FraudReasons(context, state, referral);
        if (reasons.Count > 0)
        {
            context.Emit(new ReferralHeld { Member = referral.Invitee, Inviter = referral.Inviter, Reasons = reasons });
            return;
        }

        Reward(context, state, members, referral, key, approved: false);
    }

    private List<string> FraudReasons(ActivityContext context, CommunityReferrals state, ReferralState referral)
    {
        var fraud = _options.Fraud;
        var reasons = new List<string>();
        var fingerprint = state.Fingerprints.GetValueOrDefault(referral.Invitee);
        if (fraud.HoldSelfReferral && (referral.Inviter == referral.Invitee
            || (fingerprint is not null && state.Fingerprints.GetValueOrDefault(referral.Inviter) == fingerprint)))
        {
            reasons.Add("self-referral: inviter and invitee share a fingerprint");
        }

        if (fingerprint is not null && state.ConversionsByFingerprint.GetValueOrDefault(fingerprint) + 1 > fraud.MaxConversionsPerFingerprint)
        {
            reasons.Add($"more than {fraud.MaxConversionsPerFingerprint} referred conversions from one fingerprint");
        }

        if (referral.JoinsInWindow > fraud.MaxJoinsPerCodeInWindow)
        {
            reasons.Add($"more than {fraud.MaxJoinsPerCodeInWindow} joins through code {referral.Code} within {fraud.VelocityWindow}");
        }

        var today = projection.LocalDate(context.Community, context.EffectiveTime);
        var month = new DateOnly(today.Year, today.Month, 1);
        var rewardedThisMonth = state.RewardedThisMonth.TryGetValue(referral.Inviter, out var rewarded) && rewarded.Month == month ? rewarded.Count : 0;
        if (rewardedThisMonth >= fraud.MaxRewardedPerInviterPerMonth)
        {
            reasons.Add($"inviter reached the cap of {fraud.MaxRewardedPerInviterPerMonth} rewarded referrals this month");
        }

        return reasons;
    }

    private void Reward(ActivityContext context, CommunityReferrals state, CommunityMembers members, ReferralState referral, string qualifyingKey, bool approved)
    {
        if (_awarder is not null && (_options.InviterReward > 0 || _options.InviteeReward > 0))
        {
            var currency = _options.RewardCurrency ?? _awarder.Currencies.First();
            if (_options.InviteeReward > 0)
            {
                _awarder.Award(context, referral.Invitee, currency, _options.InviteeReward, "referral: welcome reward", qualifyingKey);
            }

            var ancestors = Ancestors(members, referral.Inviter, _options.RewardLevels);
            for (var level = 1; level <= ancestors.Count; level++)
            {
                var amount = decimal.Floor(_options.InviterReward * _options.LevelShares[level - 1]);
                if (amount > 0 && !state.Banned.Contains(ancestors[level - 1]))
                {
                    _awarder.Award(context, ancestors[level - 1], currency, amount, $"referral reward, level {level}", qualifyingKey);
                }
            }
        }

        context.Emit(new ReferralRewarded { Member = referral.Invitee, Inviter = referral.Inviter, Approved = approved });
    }

    private void OnApprove(ActivityContext context, CommunityReferrals state, CommunityMembers members)
    {
        var referral = Held(context, state);
        Reward(context, state, members, referral, referral.QualifyingKey!, approved: true);
    }

    /// <summary>
    /// The invitee's inviter and up to <paramref name="levels"/> - 1 of theirs, nearest first. The inviter is known
    /// from the referral even when the invitee joined in this same batch and is not in the forest yet.
    /// </summary>
    private static List<MemberId> Ancestors(CommunityMembers members, MemberId inviter, int levels)
    {
        var result = new List<MemberId>(levels) { inviter };
        var node = members.IndexOf(inviter);
        if (node >= 0 && levels > 1)
        {
            Span<int> above = stackalloc int[Math.Min(levels - 1, 64)];
            var count = members.Ancestors(node, above);
            for (var i = 0; i < count; i++)
            {
                result.Add(members.IdOf(above[i]));
            }
        }

        return result;
    }

    private static void OnReject(ActivityContext context, CommunityReferrals state)
    {
        var referral = Held(context, state);
        var reason = context.Activity.GetAttribute("reason");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CommunityValidationException("reason", "is required");
        }

        context.Emit(new ReferralRejected { Member = referral.Invitee, Inviter = referral.Inviter, Reason = reason });
    }

    /// <summary>The reversed activity qualified a referral (its member's): the referral is reversed with it.</summary>
    private static void OnReverse(ActivityContext context, CommunityReferrals state)
    {
        if (ActivityReversal.Of(context) is { } source
            && state.Referrals.TryGetValue(source.Activity.Member, out var referral)
            && referral is { Status: ReferralStatus.Rewarded or ReferralStatus.Held }
            && referral.QualifyingKey == source.Activity.IdempotencyKey)
        {
            context.Emit(new ReferralReversed { Member = referral.Invitee, Inviter = referral.Inviter });
        }
    }

    private void OnBan(ActivityContext context, CommunityReferrals state, CommunityMembers members)
    {
        var reason = context.Activity.GetAttribute("reason");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CommunityValidationException("reason", "is required");
        }

        if (state.Banned.Contains(context.Member))
        {
            return;
        }

        var node = members.IndexOf(context.Member);
        var chain = new List<MemberId>();
        for (var a = node < 0 ? -1 : members.Parent(node); a >= 0; a = members.Parent(a))
        {
            chain.Add(members.IdOf(a));
        }

        context.Emit(new MemberBanned { Member = context.Member, Reason = reason, Chain = chain });
        if (chain.Count == 0 || !_options.BranchHealth.SuspendUnhealthy || state.Suspended.Contains(chain[0]))
        {
            return;
        }

        var inviter = chain[0];
        var health = Health(state, members, inviter, extraProblematic: 1);
        if (IsUnhealthy(health))
        {
            context.Emit(new InvitingSuspended
            {
                Member = inviter,
                Reason = string.Create(CultureInfo.InvariantCulture, $"{health.Problematic} of {health.Invitees} invitees banned ({health.GoodShare:P0} good)"),
            });
        }
    }

    internal static BranchHealth Health(CommunityReferrals state, CommunityMembers members, MemberId inviter, int extraProblematic = 0)
    {
        var node = members.IndexOf(inviter);
        var invitees = node < 0 ? 0 : members.InviteeCount(node);
        var problematic = state.Problematic.GetValueOrDefault(inviter) + extraProblematic;
        var good = invitees == 0 ? 1.0 : (double)(invitees - problematic) / invitees;
        return new BranchHealth(inviter, invitees, problematic, good, state.Suspended.Contains(inviter));
    }

    private bool IsUnhealthy(BranchHealth health) =>
        health.Problematic >= _options.BranchHealth.MaxProblematicInvitees
        || (health.Invitees >= _options.BranchHealth.MinInvitesForShare && health.GoodShare < _options.BranchHealth.MinGoodShare);

    private void CheckMayInvite(MemberId member, string? segment, CommunityReferrals state)
    {
        if (state.Suspended.Contains(member))
        {
            throw new CommunityValidationException("member", $"inviting is suspended for '{member}' (branch health)");
        }

        if (state.Banned.Contains(member))
        {
            throw new CommunityValidationException("member", $"'{member}' is banned");
        }

        if (segment is null)
        {
            if (_options.DefaultPolicy == InvitePolicy.OwnerOnly && !_options.Owners.Contains(member.Value))
            {
                throw new CommunityValidationException("member", "only the community's owners may invite");
            }

            return;
        }

        var policy = _options.Segments.TryGetValue(segment, out var p) ? p : null;
        var isOwner = policy?.Owners.Contains(member.Value) == true;
        if (policy?.Policy == InvitePolicy.OwnerOnly && !isOwner)
        {
            throw new CommunityValidationException("segment", $"only the owners of '{segment}' may invite to it");
        }

        if (!isOwner && state.Segments.GetValueOrDefault(member)?.Contains(segment) != true)
        {
            throw new CommunityValidationException("segment", $"'{member}' is not a member of '{segment}'");
        }
    }

    private static ReferralState Held(ActivityContext context, CommunityReferrals state) =>
        state.Referrals.TryGetValue(context.Member, out var referral) && referral.Status == ReferralStatus.Held
            ? referral
            : throw new CommunityValidationException("invitee", $"'{context.Member}' has no held referral");

    internal static CodeState Find(CommunityReferrals state, string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? throw new CommunityValidationException(field, "is required") :
        state.Codes.TryGetValue(CodeRules.Skeleton(text), out var code) ? code :
        throw new CommunityValidationException(field, $"'{text}' is not a known code");

    private static string? Unusable(CommunityReferrals state, CodeState code, DateTimeOffset now) =>
        !code.Enabled ? $"code {code.Code} is disabled" :
        code.ExpiresAt <= now ? $"code {code.Code} has expired" :
        code.Uses >= code.MaxUses ? $"code {code.Code} reached its limit of {code.MaxUses} uses" :
        state.Suspended.Contains(code.Owner) ? $"inviting is suspended for the owner of code {code.Code}" :
        state.Banned.Contains(code.Owner) ? $"the owner of code {code.Code} is banned" :
        null;

    internal const string CodeTaken = "is taken";
}
