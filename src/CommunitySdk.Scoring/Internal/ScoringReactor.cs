namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// The scoring reactor (order 400, last): emits the score change of every activity that counts, handles
/// endorsements and tier locks, and re-evaluates the member's tier with hysteresis.
/// </summary>
internal sealed class ScoringReactor(ScoringProjection projection, ScoringModel model, TierEvaluator tiers) : IActivityReactor
{
    public const int ReactorOrder = 400;

    public int Order => ReactorOrder;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        React(context, projection.Of(context), model.WeightOf(context.Activity));
        return ValueTask.CompletedTask;
    }

    private void React(ActivityContext context, CommunityScores s, double weight)
    {
        var member = context.Member;
        var index = s.Members.IndexOf(member);
        if (index >= s.Capacity)
        {
            index = -1; // interned by this batch's fold but not yet seen by scoring: nothing to read
        }

        if (weight > 0)
        {
            var engagement = weight + (index >= 0 ? s.Hot[index].Engagement * s.DecayAt(context.EffectiveTime) : 0);
            context.Emit(new ScoreChanged { Member = member, ActivityType = context.Activity.Type, Weight = weight, Engagement = engagement });
        }

        switch (context.Activity.Type)
        {
            case ScoringActivityTypes.Endorse:
                Endorse(context, s, index);
                break;
            case ScoringActivityTypes.LockTier:
                Lock(context, s, index);
                return;
            case ScoringActivityTypes.Suspend:
                Suspend(context);
                break;
        }

        if (model.Tiers.Length < 2)
        {
            return;
        }

        var pending = new TierEvaluator.Pending(context.Activity, weight, context.Events);
        Review(context, s, member, index, pending);

        // One activity counts for both sides: the member it targets may rise (likes received) or fall (flags) too.
        if (model.Windows.ReceivedByType.ContainsKey(context.Activity.Type) && s.TargetOf(context.Activity) is var target and >= 0)
        {
            Review(context, s, s.Members.IdOf(target), target, pending);
        }
    }

    private void Review(ActivityContext context, CommunityScores s, MemberId member, int index, TierEvaluator.Pending pending)
    {
        var at = context.EffectiveTime;
        var decision = tiers.Decide(s, member, index, at, pending);
        switch (decision.Action)
        {
            case TierAction.Promote:
                context.Emit(new TierChanged { Member = member, From = model.TierName(decision.From), To = model.TierName(decision.To), Reason = "promoted" });
                break;
            case TierAction.Demote:
                context.Emit(new TierChanged
                {
                    Member = member, From = model.TierName(decision.From), To = model.TierName(decision.To), Reason = "demoted after the grace period",
                    Failing = tiers.Failing(s, member, at, pending, decision.From, decision.To),
                });
                break;
            case TierAction.StartGrace:
                context.Emit(new TierGraceStarted
                {
                    Member = member, Tier = model.TierName(decision.From), Until = decision.Until,
                    Failing = tiers.Failing(s, member, at, pending, decision.From, decision.To),
                });
                break;
            case TierAction.ClearGrace:
                context.Emit(new TierGraceCleared { Member = member });
                break;
        }
    }

    private static void Suspend(ActivityContext context)
    {
        var reason = context.Activity.GetAttribute("reason");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw new CommunityValidationException("reason", "is required, 1 to 500 characters");
        }

        var until = context.Activity.GetDateTimeOffset("until"); // the one typed parser: a bad time is a validation error
        if (until is { } end && end <= context.RecordedAt)
        {
            throw new CommunityValidationException("until", "must be in the future");
        }

        context.Emit(new MemberSuspended { Member = context.Member, Until = until, Reason = reason });
    }

    private void Endorse(ActivityContext context, CommunityScores s, int index)
    {
        var tierName = context.Activity.GetAttribute("tier");
        var tier = Tier(tierName);
        var endorser = context.Activity.GetRequiredMemberId("endorser");
        if (endorser == context.Member)
        {
            throw new CommunityValidationException("endorser", "a member cannot endorse themselves");
        }

        var by = s.Members.IndexOf(endorser);
        if (by < 0 || by >= s.Capacity || s.Tiers[by].Tier < tier)
        {
            throw new CommunityValidationException("endorser", $"'{endorser}' must hold tier '{tierName}' or a higher one to vouch for it");
        }

        if (index >= 0 && s.Endorsers.TryGetValue((index, tier), out var already) && already.Contains(by))
        {
            return;
        }

        context.Emit(new TierEndorsed { Member = context.Member, Endorser = endorser, Tier = tierName! });
    }

    private void Lock(ActivityContext context, CommunityScores s, int index)
    {
        var tierName = context.Activity.GetAttribute("tier");
        var current = index >= 0 ? s.Tiers[index].Tier : 0;
        if (tierName is null)
        {
            context.Emit(new TierLocked { Member = context.Member, Tier = null });
            return;
        }

        var tier = Tier(tierName);
        context.Emit(new TierLocked { Member = context.Member, Tier = tierName });
        if (tier != current)
        {
            context.Emit(new TierChanged { Member = context.Member, From = model.TierName(current), To = tierName, Reason = "locked by an operator" });
        }
    }

    private int Tier(string? name) =>
        name is not null && model.TierIndex.TryGetValue(name, out var tier)
            ? tier
            : throw new CommunityValidationException("tier", $"'{name}' is not a declared tier");
}
