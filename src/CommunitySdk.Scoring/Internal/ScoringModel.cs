using Microsoft.Extensions.Options;

namespace CommunitySdk.Scoring.Internal;

/// <summary>The validated options, resolved once: decay rate, level discounts, weights, tiers.</summary>
internal sealed class ScoringModel
{
    private readonly ICommandActivityTypes _commands;
    private readonly IReadOnlyDictionary<string, string>?[] _tierNames;

    public ScoringModel(IOptions<ScoringOptions> options, ICommandActivityTypes commands)
    {
        _commands = commands;
        var o = options.Value;
        Options = o;
        Lambda = Math.Log(2) / o.HalfLifeTime.TotalSeconds;
        Discounts = Enumerable.Range(1, o.NetworkLevels).Select(l => Math.Pow(o.NetworkDiscount, l)).ToArray();
        Tiers = [.. o.Tiers];
        TierIndex = Tiers.Select((t, i) => (t.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        Windows = new TierWindowModel();
        TierChecks = Tiers.Select((t, i) => TierCheck.Compile(t, i, Windows)).ToArray();
        Windows.Seal();
        _tierNames = Tiers.Select(t => OptionsAnnotations.FreezeDisplayNames(t.DisplayNames)).ToArray();
        TierCurrencies = Tiers.Where(t => t.MinPoints > 0 && t.PointsCurrency is not null).Select(t => t.PointsCurrency!).Distinct(StringComparer.Ordinal).ToArray();
    }

    public ScoringOptions Options { get; }

    /// <summary>Decay rate per second: ln 2 / half-life.</summary>
    public double Lambda { get; }

    /// <summary>discount^ℓ for ℓ = 1..levels.</summary>
    public double[] Discounts { get; }

    public TierDefinition[] Tiers { get; }

    /// <summary>Each tier's requirements, compiled.</summary>
    public TierCheck[][] TierChecks { get; }

    /// <summary>The daily counters and key sets the tier requirements read.</summary>
    public TierWindowModel Windows { get; }

    /// <summary>The currencies tiers require a balance in (the projection keeps those balances).</summary>
    public string[] TierCurrencies { get; }

    /// <summary>Text of everything that shapes the fold (for the snapshot's rules check).</summary>
    public string Fingerprint => string.Join(
        ';',
        Options.HalfLifeTime.Ticks,
        Options.NetworkLevels,
        Options.NetworkDiscount,
        Options.NetworkWeight,
        Options.CohortSize,
        Options.StrongTieThreshold,
        Options.AttendanceActivityType,
        Options.EventAttribute,
        Options.SubjectAttribute,
        Options.MaxHotSubjects,
        Options.MaxTrackedEvents,
        Options.MaxCohortHistory,
        Options.DefaultWeight,
        string.Join(',', Options.Weights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}={w.Value}")),
        string.Join(',', Options.ValueFactors.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}={w.Value}")),
        string.Join(',', Tiers.Select(t => t.Name)),
        Options.TargetAttribute,
        "windows-1:" + Windows.Fingerprint,
        string.Join(',', TierCurrencies));

    public IReadOnlyDictionary<string, int> TierIndex { get; }

    /// <summary>Commands (the SDK's and the host's reserved types) never count as engagement.</summary>
    public bool IsCommand(string type) => _commands.IsCommand(type);

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

    /// <summary>A tier's display name in a culture.</summary>
    public string TierDisplayName(int tier, System.Globalization.CultureInfo culture) =>
        Tiers.Length == 0 ? "" : DisplayNames.Resolve(_tierNames[tier], Tiers[tier].Name, culture);
}
