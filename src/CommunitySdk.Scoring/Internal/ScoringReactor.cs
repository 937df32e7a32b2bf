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
        }

        if (model.Tiers.Length < 2 || (index >= 0 && s.Tiers[index].Locked >= 0))
        {
            return;
        }

        var at = context.EffectiveTime;
        var current = index >= 0 ? s.Tiers[index].Tier : 0;
        var eligible = tiers.Eligible(s, member, at, new TierEvaluator.Pending(weight > 0 ? context.Activity.Type : null, weight, context.Events));
        var grace = index >= 0 ? s.Tiers[index].GraceUntil : null;
        if (eligible > current)
        {
            context.Emit(new TierChanged { Member = member, From = model.TierName(current), To = model.TierName(eligible), Reason = "promoted" });
        }
        else if (eligible < current)
        {
            var until = grace ?? at + model.Options.DemotionGrace;
            if (at >= until)
            {
                context.Emit(new TierChanged { Member = member, From = model.TierName(current), To = model.TierName(eligible), Reason = "demoted after the grace period" });
            }
            else if (grace is null)
            {
                context.Emit(new TierGraceStarted { Member = member, Tier = model.TierName(current), Until = until });
            }
        }
        else if (grace is not null)
        {
            context.Emit(new TierGraceCleared { Member = member });
        }
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
