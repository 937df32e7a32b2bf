using Microsoft.Extensions.Options;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Cross-field rules of <see cref="ScoringOptions"/>: weights, tiers and their requirements.</summary>
internal sealed class ScoringOptionsValidator : IValidateOptions<ScoringOptions>
{
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        var failures = new List<string>();
        foreach (var (type, weight) in options.Weights)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                failures.Add($"Scoring:Weights:{type} must be a finite number of at least 0.");
            }
        }

        foreach (var (type, factor) in options.ValueFactors)
        {
            if (!double.IsFinite(factor) || factor < 0)
            {
                failures.Add($"Scoring:ValueFactors:{type} must be a finite number of at least 0.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Tiers.Count; i++)
        {
            var tier = options.Tiers[i];
            var at = $"Scoring:Tiers[{i}] '{tier.Name}'";
            OptionsAnnotations.Validate(tier, at, failures);

            if (!names.Add(tier.Name))
            {
                failures.Add($"{at}: duplicate tier name.");
            }

            if (tier.MinPoints > 0 && string.IsNullOrEmpty(tier.PointsCurrency))
            {
                failures.Add($"{at}: PointsCurrency is required with MinPoints.");
            }

            if (i == 0 && tier.Endorsements > 0)
            {
                failures.Add($"{at}: the first tier is where everyone starts; it cannot need endorsements.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
