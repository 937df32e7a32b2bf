using Microsoft.Extensions.Options;

namespace CommunitySdk.Scoring.Internal;

/// <summary>The validated options, resolved once: decay rate, level discounts, weights, tiers.</summary>
internal sealed class ScoringModel
{
    public ScoringModel(IOptions<ScoringOptions> options)
    {
        var o = options.Value;
        Options = o;
        Lambda = Math.Log(2) / o.HalfLifeTime.TotalSeconds;
        Discounts = Enumerable.Range(1, o.NetworkLevels).Select(l => Math.Pow(o.NetworkDiscount, l)).ToArray();
        Tiers = [.. o.Tiers];
        TierIndex = Tiers.Select((t, i) => (t.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
    }

    public ScoringOptions Options { get; }

    /// <summary>Decay rate per second: ln 2 / half-life.</summary>
    public double Lambda { get; }

    /// <summary>discount^ℓ for ℓ = 1..levels.</summary>
    public double[] Discounts { get; }

    public TierDefinition[] Tiers { get; }

    public IReadOnlyDictionary<string, int> TierIndex { get; }

    /// <summary>The SDK's own commands never count as engagement.</summary>
    public static bool IsCommand(string type) =>
        type.StartsWith("member.", StringComparison.Ordinal) || type.StartsWith("points.", StringComparison.Ordinal)
        || type.StartsWith("referral.", StringComparison.Ordinal) || type.StartsWith("scoring.", StringComparison.Ordinal)
        || type.StartsWith("badges.", StringComparison.Ordinal);

    public double WeightOf(Activity activity)
    {
        if (IsCommand(activity.Type))
        {
            return 0;
        }

        var weight = Options.Weights.TryGetValue(activity.Type, out var w) ? w : Options.DefaultWeight;
        if (activity.Value is { } value && Options.ValueFactors.TryGetValue(activity.Type, out var perUnit))
        {
            weight += perUnit * (double)value;
        }

        return Math.Max(weight, 0);
    }

    public string TierName(int tier) => Tiers.Length == 0 ? "" : Tiers[tier].Name;
}
