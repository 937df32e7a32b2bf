using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Points.Internal;

/// <summary>The validated options, resolved once: currencies by name, rules by activity type, cap limits by scope.</summary>
internal sealed class PointsCatalog
{
    private readonly IReadOnlyDictionary<string, string>?[] _displayNames;

    /// <summary>The display name of a currency (by index) in a culture.</summary>
    public string DisplayName(int currency, CultureInfo culture) => DisplayNames.Resolve(_displayNames[currency], CurrencyOrder[currency], culture);

    public PointsCatalog(IOptions<PointsOptions> options)
    {
        var value = options.Value; // validated here
        Options = value;
        Currencies = value.Currencies.ToDictionary(c => c.Name, StringComparer.Ordinal);
        CurrencyOrder = value.Currencies.Select(c => c.Name).ToArray();
        _currencyIndex = CurrencyOrder.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        _hasLots = value.Currencies.Select(c => c.Expiry != ExpiryMode.Never || c.PendingDays > 0).ToArray();
        _displayNames = value.Currencies.Select(c => OptionsAnnotations.FreezeDisplayNames(c.DisplayNames)).ToArray();
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

        RulesByType = rules.ToDictionary(r => r.Key, r => r.Value.ToArray(), StringComparer.Ordinal);
        _firstTimeRules = rules.Values.SelectMany(r => r).Where(r => r.Rule.FirstTimeOnly).Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        ScopeNames = [.. CapLimits.Keys.Order(StringComparer.Ordinal)];
        _scopeIndex = ScopeNames.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        ScopeLimits = ScopeNames.Select(s => CapLimits[s]).ToArray();
        foreach (var resolved in rules.Values.SelectMany(r => r))
        {
            var caps = new List<RuleCap>(4);
            void Add(string scope, bool daily)
            {
                if (CapLimits.TryGetValue(scope, out var limit))
                {
                    caps.Add(new RuleCap(scope, _scopeIndex[scope], daily, limit));
                }
            }

            Add(CapScope("rule", resolved.Id, daily: true), daily: true);
            Add(CapScope("rule", resolved.Id, daily: false), daily: false);
            if (!resolved.Rule.ExemptFromCurrencyCap)
            {
                Add(CapScope("currency", resolved.Currency.Name, daily: true), daily: true);
                Add(CapScope("currency", resolved.Currency.Name, daily: false), daily: false);
            }

            resolved.Caps = [.. caps];
        }
    }

    private readonly Dictionary<string, int> _currencyIndex;
    private readonly bool[] _hasLots;
    private readonly Dictionary<string, int> _firstTimeRules;
    private readonly Dictionary<string, int> _scopeIndex;

    public PointsOptions Options { get; }

    /// <summary>Cap scopes in a stable order; counters refer to them by index.</summary>
    public IReadOnlyList<string> ScopeNames { get; }

    public decimal[] ScopeLimits { get; }

    public int CurrencyIndex(string currency) => _currencyIndex.TryGetValue(currency, out var index) ? index : throw new CommunityValidationException("currency", $"'{currency}' is not a declared currency");

    /// <summary>Whether a currency keeps lots (it has pending days or expiry).</summary>
    public bool HasLots(int currency) => _hasLots[currency];

    public int ScopeIndex(string scope) => _scopeIndex.TryGetValue(scope, out var index) ? index : -1;

    /// <summary>The bit of a first-time-only rule, or -1 for other rules.</summary>
    public int FirstTimeRuleIndex(string ruleId) => _firstTimeRules.TryGetValue(ruleId, out var index) ? index : -1;

    /// <summary>Text of everything that shapes the fold (for the snapshot's rules check).</summary>
    public string Fingerprint => string.Join(
        ';',
        CurrencyOrder.Select(c => $"{c}:{_hasLots[_currencyIndex[c]]}")
            .Concat(ScopeNames)
            .Concat(_firstTimeRules.OrderBy(r => r.Value).Select(r => r.Key))
            .Append(Options.RecreditWindow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append(Options.MaxWithheldPerPeriod.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public IReadOnlyDictionary<string, CurrencyDefinition> Currencies { get; }

    public IReadOnlyList<string> CurrencyOrder { get; }

    public IReadOnlyDictionary<string, ResolvedRule[]> RulesByType { get; }

    public Dictionary<string, decimal> CapLimits { get; } = new(StringComparer.Ordinal);

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

/// <summary>A rule with its id, currency and caps resolved.</summary>
internal sealed record ResolvedRule(PointsRule Rule, string Id, CurrencyDefinition Currency)
{
    /// <summary>The caps its awards count against: the rule's own, then its currency's (unless exempt).</summary>
    public RuleCap[] Caps { get; set; } = [];
}

/// <summary>A cap an award of a rule counts against: its scope (name and index), whether daily or weekly, its limit.</summary>
internal readonly record struct RuleCap(string Scope, int ScopeIndex, bool Daily, decimal Limit);
