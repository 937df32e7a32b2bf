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
        var activity = context.Activity;
        var weight = model.WeightOf(activity);
        var seen = projection.Read(context.Community, s => { React(context, s, weight); return true; }, false);
        if (!seen)
        {
            // The community's first activity: nothing folded yet, so evaluate against empty state.
            React(context, new CommunityScores(model, context.EffectiveTime), weight);
        }

        return ValueTask.CompletedTask;
    }

    private void React(ActivityContext context, CommunityScores s, double weight)
    {
        var member = context.Member;
        var index = s.Index.TryGetValue(member, out var i) ? i : -1;
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

        if (model.Tiers.Length < 2 || (index >= 0 && s.LockedTier[index] >= 0))
        {
            return;
        }

        var at = context.EffectiveTime;
        var current = index >= 0 ? s.Tier[index] : 0;
        var eligible = tiers.Eligible(s, member, at, new TierEvaluator.Pending(weight > 0 ? context.Activity.Type : null, weight, context.Events));
        var grace = index >= 0 ? s.GraceUntil[index] : null;
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

        if (!s.Index.TryGetValue(endorser, out var by) || s.Tier[by] < tier)
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
        var current = index >= 0 ? s.Tier[index] : 0;
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
