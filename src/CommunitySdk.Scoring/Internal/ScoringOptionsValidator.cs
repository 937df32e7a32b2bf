using Microsoft.Extensions.Options;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Cross-field rules of <see cref="ScoringOptions"/>: weights, tiers and their requirements.</summary>
internal sealed class ScoringOptionsValidator(IKnownActivityTypes known) : IValidateOptions<ScoringOptions>
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
            OptionsAnnotations.ValidateDisplayNames(tier.DisplayNames, at + ".DisplayNames", failures);

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

            if (i == 0 && tier.Requirements.Count > 0)
            {
                failures.Add($"{at}: the first tier is where everyone starts; it cannot have requirements.");
            }

            var requirementNames = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < tier.Requirements.Count; r++)
            {
                ValidateRequirement(options, known, tier.Requirements[r], $"Scoring:Tiers[{i}]:Requirements[{r}]", requirementNames, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRequirement(ScoringOptions options, IKnownActivityTypes known, TierRequirement r, string at, HashSet<string> names, List<string> failures)
    {
        OptionsAnnotations.Validate(r, at, failures);
        if (!names.Add(r.DisplayName()))
        {
            failures.Add($"{at}: duplicate requirement name '{r.DisplayName()}' in the tier; set Name.");
        }

        var bounds = (r.Minimum is null ? 0 : 1) + (r.MinRatio is null ? 0 : 1) + (r.Maximum is null ? 0 : 1);
        if (bounds != 1)
        {
            failures.Add($"{at}: set exactly one of Minimum, MinRatio and Maximum.");
        }

        if (r.Minimum is { } minimum && (!double.IsFinite(minimum) || minimum < 0))
        {
            failures.Add($"{at}:Minimum must be a finite number of at least 0.");
        }

        if (r.Maximum is { } maximum && (!double.IsFinite(maximum) || maximum < 0))
        {
            failures.Add($"{at}:Maximum must be a finite number of at least 0.");
        }

        if (r.MinRatio is { } ratio && (!double.IsFinite(ratio) || ratio < 0 || ratio > 1))
        {
            failures.Add($"{at}:MinRatio must be between 0 and 1.");
        }

        if (r.MinRatio is not null && (r.Measure != TierMeasure.DistinctDays || r.WindowDays <= 0))
        {
            failures.Add($"{at}:MinRatio is a share of a window's days: it needs Measure DistinctDays and WindowDays greater than 0.");
        }

        if (r.ActivityType is null && (r.Direction == TierDirection.Received || r.Measure is TierMeasure.Sum or TierMeasure.DistinctValues || r.MinCounterparts > 0 || r.MinSpreadDays > 0))
        {
            failures.Add($"{at}:ActivityType is required for received activities, sums, distinct values and diversity.");
        }
        else if (r.ActivityType is { } type && !options.Weights.ContainsKey(type) && !options.ActivityTypes.Contains(type) && type != options.AttendanceActivityType && !known.IsKnown(type))
        {
            failures.Add($"{at}:ActivityType '{type}' is named by no rule (points, badges, scoring weights, member activity types) and not declared in Scoring:ActivityTypes: a misspelt type is never met.");
        }

        if (r.Measure == TierMeasure.DistinctValues && (string.IsNullOrEmpty(r.Attribute) || r.WindowDays <= 0))
        {
            failures.Add($"{at}: DistinctValues needs an Attribute and WindowDays greater than 0 (distinct values are kept only for a window).");
        }

        if ((r.MinCounterparts > 0 || r.MinSpreadDays > 0) && r.WindowDays <= 0)
        {
            failures.Add($"{at}: MinCounterparts and MinSpreadDays need WindowDays greater than 0.");
        }

        if (r.MinSpreadDays > r.WindowDays && r.WindowDays > 0)
        {
            failures.Add($"{at}:MinSpreadDays cannot exceed WindowDays.");
        }
    }
}
