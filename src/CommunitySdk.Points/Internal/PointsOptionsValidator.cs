using Microsoft.Extensions.Options;

namespace CommunitySdk.Points.Internal;

/// <summary>Cross-field rules of <see cref="PointsOptions"/>: names, references, amounts and caps.</summary>
internal sealed class PointsOptionsValidator : IValidateOptions<PointsOptions>
{
    public ValidateOptionsResult Validate(string? name, PointsOptions options)
    {
        var failures = new List<string>();
        if (options.Currencies.Count == 0)
        {
            failures.Add("Points: declare at least one currency (Currencies).");
        }

        var currencies = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Currencies.Count; i++)
        {
            var c = options.Currencies[i];
            var at = $"Points:Currencies[{i}] '{c.Name}'";
            OptionsAnnotations.Validate(c, at, failures);
            OptionsAnnotations.ValidateDisplayNames(c.DisplayNames, at + ".DisplayNames", failures);
            if (Activity.CheckName(c.Name, 32) is { } reason)
            {
                failures.Add($"{at}: Name {reason}.");
            }
            else if (!currencies.Add(c.Name))
            {
                failures.Add($"{at}: duplicate currency name.");
            }

            if (c.Expiry == ExpiryMode.AfterDays && c.ExpiryDays < 1)
            {
                failures.Add($"{at}: ExpiryDays must be at least 1 with Expiry = AfterDays.");
            }

            if (c.Expiry != ExpiryMode.AfterDays && c.ExpiryDays != 0)
            {
                failures.Add($"{at}: ExpiryDays is only used with Expiry = AfterDays.");
            }

            if (c.ExpiringNoticeDays > 0 && c.Expiry == ExpiryMode.Never)
            {
                failures.Add($"{at}: ExpiringNoticeDays needs an Expiry mode other than Never.");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var r = options.Rules[i];
            var at = $"Points:Rules[{i}] '{r.Id ?? r.ActivityType}'";
            OptionsAnnotations.Validate(r, at, failures);
            if (Activity.CheckName(r.ActivityType, Activity.MaxTypeLength) is { } reason)
            {
                failures.Add($"{at}: ActivityType {reason}.");
            }
            else if (r.ActivityType.StartsWith("points.", StringComparison.Ordinal))
            {
                failures.Add($"{at}: ActivityType must not be a points command ('points.*').");
            }

            var currency = PointsCatalog.RuleCurrency(r, options);
            if (currency is null)
            {
                failures.Add($"{at}: Currency is required when more than one currency is declared.");
            }
            else if (!currencies.Contains(currency))
            {
                failures.Add($"{at}: Currency '{currency}' is not declared.");
            }

            if ((r.Amount > 0) == (r.PerUnit > 0))
            {
                failures.Add($"{at}: set exactly one of Amount and PerUnit to a positive number.");
            }

            var id = PointsCatalog.RuleId(r, options);
            if (!ids.Add(id))
            {
                failures.Add($"{at}: duplicate rule id '{id}'; give one of the rules an Id.");
            }

            if (r.Reason is { Length: > Activity.MaxAttributeValueLength })
            {
                failures.Add($"{at}: Reason must be at most {Activity.MaxAttributeValueLength} characters.");
            }
        }

        if (options.Rules.Count(r => r.FirstTimeOnly) > 64)
        {
            failures.Add("Points:Rules: at most 64 rules may be FirstTimeOnly.");
        }

        if (options.RecreditWindow < TimeSpan.FromDays(1) || options.RecreditWindow > TimeSpan.FromDays(365))
        {
            failures.Add("Points:RecreditWindow must be between 1 and 365 days.");
        }

        if (options.MaxWithheldPerPeriod is < 0 or > 10_000)
        {
            failures.Add("Points:MaxWithheldPerPeriod must be between 0 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
