using CommunitySdk.Points;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Which tier a member qualifies for now: tiers are a ladder, climbed while every requirement holds.</summary>
internal sealed class TierEvaluator(ScoringModel model, IMemberScorer scorer)
{
    /// <summary>What the current activity adds that the projection does not hold yet.</summary>
    public readonly record struct Pending(string? ActivityType, double Weight, IReadOnlyList<CommunityEvent> Events);

    public int Eligible(CommunityScores s, MemberId member, DateTimeOffset at, Pending pending)
    {
        var tiers = model.Tiers;
        var index = s.Members.IndexOf(member) is var i && i < s.Capacity ? i : -1;
        var score = Score(s, member, index, at, pending);
        var joinedAt = index >= 0 && s.Members.JoinedAt(index) != default ? s.Members.JoinedAt(index) : at;
        var eligible = 0;
        for (var tier = 1; tier < tiers.Length; tier++)
        {
            var t = tiers[tier];
            if (score < t.MinScore
                || (at - joinedAt).TotalDays < t.MinTenureDays
                || (t.MinPoints > 0 && Balance(s, index, member, t.PointsCurrency!, pending) < t.MinPoints)
                || (index >= 0 ? s.Hot[index].TieCount : 0) < t.MinStrongTies
                || !MeetsActivities(s, index, model.TierActivities[tier], pending)
                || (t.Endorsements > 0 && Endorsements(s, index, member, tier, pending) < t.Endorsements))
            {
                break;
            }

            eligible = tier;
        }

        return eligible;
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

        if (pending.ActivityType is { } type && pending.Weight > 0)
        {
            byType[type] = byType.GetValueOrDefault(type) + pending.Weight;
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
        var engagement = (index >= 0 ? s.Hot[index].Engagement * decay : 0) + (pending.ActivityType is not null && pending.Weight > 0 ? pending.Weight : 0);
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

    private static bool MeetsActivities(CommunityScores s, int index, (string Type, int Minimum)[] requirements, Pending pending)
    {
        foreach (var (type, minimum) in requirements)
        {
            if ((index >= 0 ? s.CountOf(index, type) : 0) + (pending.ActivityType == type ? 1 : 0) < minimum)
            {
                return false;
            }
        }

        return true;
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
