using CommunitySdk.Points;

namespace CommunitySdk.Scoring.Internal;

/// <summary>What the tier review decides for a member.</summary>
internal enum TierAction
{
    None,
    Promote,
    StartGrace,
    ClearGrace,
    Demote,
}

/// <summary>A decision: the action, the tiers, and the grace's end for <see cref="TierAction.StartGrace"/>.</summary>
internal readonly record struct TierDecision(TierAction Action, int From, int To, DateTimeOffset Until);

/// <summary>
/// Which tier a member qualifies for now: tiers are a ladder, climbed while every requirement holds. One evaluation
/// serves the hot path (no allocation), the events' failing lists and the progress API.
/// </summary>
internal sealed class TierEvaluator(ScoringModel model, IMemberScorer scorer, ICommunityCalendar calendar)
{
    /// <summary>
    /// What the current activity adds that the projection does not hold yet: its activity (counted for its member, and
    /// as received for the member it targets), its weight (the actor's score) and its events (balances, endorsements).
    /// </summary>
    public readonly record struct Pending(Activity? Activity, double Weight, IReadOnlyList<CommunityEvent>? Events);

    private readonly record struct Input(CommunityScores S, MemberId Member, int Index, DateTimeOffset At, int Day, Pending Pending, double Score, DateTimeOffset JoinedAt);

    public int Eligible(CommunityScores s, MemberId member, DateTimeOffset at, Pending pending)
    {
        var input = Prepare(s, member, at, pending);
        var eligible = 0;
        for (var tier = 1; tier < model.Tiers.Length; tier++)
        {
            foreach (var check in model.TierChecks[tier])
            {
                if (!check.Met(Value(check, input)))
                {
                    return eligible;
                }
            }

            eligible = tier;
        }

        return eligible;
    }

    /// <summary>What to do for a member now: promote, start or clear a grace, demote — honouring locks, suspensions and post-promotion protection.</summary>
    public TierDecision Decide(CommunityScores s, MemberId member, int index, DateTimeOffset at, Pending pending)
    {
        var state = index >= 0 ? s.Tiers[index] : new MemberTier { Locked = -1 };
        if (model.Tiers.Length < 2 || state.Locked >= 0)
        {
            return default;
        }

        var current = state.Tier;
        var eligible = Eligible(s, member, at, pending);
        if (eligible > current && !(state.SuspendedUntil is { } suspended && at < suspended))
        {
            return new TierDecision(TierAction.Promote, current, eligible, default);
        }

        if (eligible < current)
        {
            if (at < ProtectedUntil(state))
            {
                return default;
            }

            var until = state.GraceUntil ?? at + GraceOf(current);
            return at >= until ? new TierDecision(TierAction.Demote, current, eligible, until)
                : state.GraceUntil is null ? new TierDecision(TierAction.StartGrace, current, eligible, until)
                : default;
        }

        return state.GraceUntil is not null ? new TierDecision(TierAction.ClearGrace, current, current, default) : default;
    }

    /// <summary>The names of the requirements failed on the way from <paramref name="to"/> up to <paramref name="from"/>.</summary>
    public IReadOnlyList<string> Failing(CommunityScores s, MemberId member, DateTimeOffset at, Pending pending, int from, int to)
    {
        var input = Prepare(s, member, at, pending);
        var failing = new List<string>();
        for (var tier = Math.Max(to + 1, 1); tier <= from && tier < model.Tiers.Length; tier++)
        {
            foreach (var check in model.TierChecks[tier])
            {
                if (!check.Met(Value(check, input)) && !failing.Contains(check.Name))
                {
                    failing.Add(check.Name);
                }
            }
        }

        return failing;
    }

    /// <summary>Progress on every requirement of a tier.</summary>
    public List<TierRequirementProgress> Progress(CommunityScores s, MemberId member, DateTimeOffset at, int tier)
    {
        var input = Prepare(s, member, at, default);
        var today = DateOnly.FromDayNumber(input.Day);
        var progress = new List<TierRequirementProgress>();
        if (tier < 1 || tier >= model.Tiers.Length)
        {
            return progress;
        }

        foreach (var check in model.TierChecks[tier])
        {
            var value = Value(check, input);
            var windowed = check.WindowDays > 0;
            progress.Add(new TierRequirementProgress(
                check.Name, value, check.Target, check.Met(value), check.IsMaximum,
                windowed ? today.AddDays(1 - check.WindowDays) : null, windowed ? today : null));
        }

        return progress;
    }

    /// <summary>The end of the protection after the member's last promotion (no demotion before it).</summary>
    public DateTimeOffset ProtectedUntil(MemberTier state) =>
        state.Tier > 0 && state.PromotedAt != default && model.Tiers[state.Tier].ProtectedAfterPromotion > TimeSpan.Zero
            ? state.PromotedAt + model.Tiers[state.Tier].ProtectedAfterPromotion
            : DateTimeOffset.MinValue;

    /// <summary>How long a member keeps <paramref name="tier"/> after falling short of it.</summary>
    public TimeSpan GraceOf(int tier) => model.Tiers[tier].DemotionGrace ?? model.Options.DemotionGrace;

    private Input Prepare(CommunityScores s, MemberId member, DateTimeOffset at, Pending pending)
    {
        var index = s.Members.IndexOf(member) is var i && i < s.Capacity ? i : -1;
        var joinedAt = index >= 0 && s.Members.JoinedAt(index) != default ? s.Members.JoinedAt(index) : at;
        var own = pending.Activity is { } activity && activity.Member == member ? pending : pending with { Weight = 0 };
        return new Input(s, member, index, at, s.LocalDay(at, calendar), pending, Score(s, member, index, at, own), joinedAt);
    }

    private double Value(TierCheck check, in Input x)
    {
        var s = x.S;
        var index = x.Index;
        switch (check.Kind)
        {
            case CheckKind.Score:
                return x.Score;
            case CheckKind.Tenure:
                return Math.Floor((x.At - x.JoinedAt).TotalDays);
            case CheckKind.Points:
                return (double)Balance(s, index, x.Member, check.Currency!, x.Pending);
            case CheckKind.StrongTies:
                return index >= 0 ? s.Hot[index].TieCount : 0;
            case CheckKind.Activities:
                return (index >= 0 ? s.CountOf(index, check.Type!) : 0)
                    + (x.Pending.Activity is { } a && a.Member == x.Member && a.Type == check.Type && !model.IsCommand(a.Type) ? 1 : 0);
            case CheckKind.Endorsements:
                return Endorsements(s, index, x.Member, check.Tier, x.Pending);
        }

        var w = index >= 0 ? s.Windows[index] : null;
        var start = x.Day - check.WindowDays + 1;
        var pending = Counts(check, x, out var activity);
        switch (check.Kind)
        {
            case CheckKind.WindowSum:
                var sum = w is null ? 0 : check.WindowDays == 0 ? w.Lifetime[check.Channel] : w.Sum(check.Channel, start, x.Day);
                return sum + (!pending ? 0 : check.IsValue ? (double)(activity!.Value ?? 0) : 1);
            case CheckKind.WindowDays:
                var days = w is null ? 0 : check.WindowDays == 0 ? w.LifetimeDays[check.Channel] : w.DaysWith(check.Channel, start, x.Day);
                return days + (pending && (w is null || !w.HasOn(check.Channel, x.Day)) ? 1 : 0);
            default:
                var distinct = w is null ? 0 : w.Distinct(check.Set, start, x.Day);
                return distinct + (pending && TierWindowModel.SetKey(activity!, check.Attribute, check.Received, model.Options.TargetAttribute) is { } key && (w is null || !w.Seen(check.Set, TierWindowModel.Key(key), start)) ? 1 : 0);
        }
    }

    /// <summary>Whether the pending activity counts for a window check of this member (given by them, or received from another).</summary>
    private bool Counts(TierCheck check, in Input x, out Activity? activity)
    {
        activity = x.Pending.Activity;
        if (activity is null || (check.Type is not null && activity.Type != check.Type) || model.IsCommand(activity.Type))
        {
            return false;
        }

        return check.Received
            ? activity.Member != x.Member && activity.GetAttribute(model.Options.TargetAttribute) == x.Member.Value
            : activity.Member == x.Member;
    }

    public static MemberScoreInputs Inputs(CommunityScores s, MemberId member, int index, DateTimeOffset at, Pending pending = default)
    {
        var decay = s.DecayAt(at);
        var byType = new Dictionary<string, double>(StringComparer.Ordinal);
        if (index >= 0 && s.ByType[index] is { } stored)
        {
            for (var t = 0; t < stored.Length; t++)
            {
                if (stored[t] != 0)
                {
                    byType[s.Members.TypeName(t)] = stored[t] * decay;
                }
            }
        }

        if (pending.Activity is { } activity && activity.Member == member && pending.Weight > 0)
        {
            byType[activity.Type] = byType.GetValueOrDefault(activity.Type) + pending.Weight;
        }

        var tenure = index >= 0 && s.Members.JoinedAt(index) != default ? at - s.Members.JoinedAt(index) : TimeSpan.Zero;
        return new MemberScoreInputs(member, byType, index >= 0 ? s.Hot[index].Network * decay : 0, index >= 0 ? s.Hot[index].TieCount : 0, tenure);
    }

    /// <summary>The member's score now; the default scorer's sum is read straight from the state (nothing allocated).</summary>
    private double Score(CommunityScores s, MemberId member, int index, DateTimeOffset at, Pending pending)
    {
        if (scorer is not DefaultMemberScorer)
        {
            return scorer.Explain(Inputs(s, member, index, at, pending)).Sum(c => c.Value);
        }

        var options = model.Options;
        var decay = s.DecayAt(at);
        var engagement = (index >= 0 ? s.Hot[index].Engagement * decay : 0) + (pending.Weight > 0 ? pending.Weight : 0);
        var network = index >= 0 ? s.Hot[index].Network * decay : 0;
        var ties = index >= 0 ? s.Hot[index].TieCount : 0;
        return engagement + (network > 0 ? options.NetworkWeight * network : 0) + (options.StrongTieBonus > 0 && ties > 0 ? options.StrongTieBonus * ties : 0);
    }

    private static decimal Balance(CommunityScores s, int index, MemberId member, string currency, Pending pending)
    {
        var balance = index >= 0 && Array.IndexOf(s.Model.TierCurrencies, currency) is var c && c >= 0 ? s.Balances[c][index] : 0;
        if (pending.Events is { } events)
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is PointsLedgerEvent e && e.Member == member && e.Currency == currency)
                {
                    balance += e.Amount;
                }
            }
        }

        return balance;
    }

    private static int Endorsements(CommunityScores s, int index, MemberId member, int tier, Pending pending)
    {
        var count = index >= 0 && s.Endorsers.TryGetValue((index, tier), out var endorsers) ? endorsers.Count(e => s.Tiers[e].Tier >= tier) : 0;
        // The reactor emits an endorsement only when it is new, so pending ones are never counted twice.
        return count + (pending.Events ?? []).OfType<TierEndorsed>().Count(e => e.Member == member && e.Tier == s.Model.Tiers[tier].Name
            && s.Members.IndexOf(e.Endorser) is var endorser && endorser >= 0 && endorser < s.Capacity && s.Tiers[endorser].Tier >= tier);
    }
}

/// <summary>The default scorer: decayed engagement per activity type, weighted network value, and a bonus per strong tie.</summary>
internal sealed class DefaultMemberScorer(ScoringModel model) : IMemberScorer
{
    public IReadOnlyList<ScoreContribution> Explain(MemberScoreInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var parts = inputs.ByActivityType.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ScoreContribution($"activity:{p.Key}", p.Value)).ToList();
        if (inputs.Network > 0)
        {
            parts.Add(new ScoreContribution("network", model.Options.NetworkWeight * inputs.Network));
        }

        if (model.Options.StrongTieBonus > 0 && inputs.StrongTies > 0)
        {
            parts.Add(new ScoreContribution("strong-ties", model.Options.StrongTieBonus * inputs.StrongTies));
        }

        return parts;
    }
}
