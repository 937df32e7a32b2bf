using Microsoft.Extensions.Options;

namespace CommunitySdk.Points.Internal;

/// <summary>The validated options, resolved once: currencies by name, rules by activity type, cap limits by scope.</summary>
internal sealed class PointsCatalog
{
    public PointsCatalog(IOptions<PointsOptions> options)
    {
        var value = options.Value; // validated here
        FirstDayOfWeek = value.FirstDayOfWeek;
        Currencies = value.Currencies.ToDictionary(c => c.Name, StringComparer.Ordinal);
        CurrencyOrder = value.Currencies.Select(c => c.Name).ToArray();
        var rules = new Dictionary<string, List<ResolvedRule>>(StringComparer.Ordinal);
        foreach (var rule in value.Rules)
        {
            var resolved = new ResolvedRule(rule, RuleId(rule, value), Currencies[RuleCurrency(rule, value)!]);
            if (!rules.TryGetValue(rule.ActivityType, out var list))
            {
                rules[rule.ActivityType] = list = [];
            }

            list.Add(resolved);
            AddLimit(CapScope("rule", resolved.Id, daily: true), rule.DailyCap);
            AddLimit(CapScope("rule", resolved.Id, daily: false), rule.WeeklyCap);
        }

        foreach (var currency in value.Currencies)
        {
            AddLimit(CapScope("currency", currency.Name, daily: true), currency.DailyCap);
            AddLimit(CapScope("currency", currency.Name, daily: false), currency.WeeklyCap);
        }

        RulesByType = rules.ToDictionary(r => r.Key, r => (IReadOnlyList<ResolvedRule>)r.Value, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, CurrencyDefinition> Currencies { get; }

    public IReadOnlyList<string> CurrencyOrder { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<ResolvedRule>> RulesByType { get; }

    public Dictionary<string, decimal> CapLimits { get; } = new(StringComparer.Ordinal);

    public DayOfWeek FirstDayOfWeek { get; }

    public static string RuleId(PointsRule rule, PointsOptions options) =>
        rule.Id ?? (options.Rules.Count(r => r.Id is null && r.ActivityType == rule.ActivityType) > 1 ? $"{rule.ActivityType}:{RuleCurrency(rule, options)}" : rule.ActivityType);

    public static string? RuleCurrency(PointsRule rule, PointsOptions options) =>
        rule.Currency ?? (options.Currencies.Count == 1 ? options.Currencies[0].Name : null);

    public static string CapScope(string kind, string name, bool daily) => $"{kind}:{name}:{(daily ? "daily" : "weekly")}";

    public CurrencyDefinition Currency(string? name, string field = "currency")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new CommunityValidationException(field, "is required");
        }

        return Currencies.TryGetValue(name, out var currency)
            ? currency
            : throw new CommunityValidationException(field, $"'{name}' is not a declared currency (declared: {string.Join(", ", CurrencyOrder)})");
    }

    private void AddLimit(string scope, decimal? limit)
    {
        if (limit is { } value)
        {
            CapLimits[scope] = value;
        }
    }
}

/// <summary>A rule with its id and currency resolved.</summary>
internal sealed record ResolvedRule(PointsRule Rule, string Id, CurrencyDefinition Currency);
