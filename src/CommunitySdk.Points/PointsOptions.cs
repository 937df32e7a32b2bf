using System.ComponentModel.DataAnnotations;

namespace CommunitySdk.Points;

/// <summary>Currencies and earning rules. Bind from configuration (section <c>Community:Points</c>) or build in code.</summary>
public sealed class PointsOptions
{
    /// <summary>The configuration section name used by convention.</summary>
    public const string SectionName = "Community:Points";

    /// <summary>The currencies, in the order balances are listed.</summary>
    public IList<CurrencyDefinition> Currencies { get; } = [];

    /// <summary>The earning rules. Several rules may match one activity type; each awards on its own.</summary>
    public IList<PointsRule> Rules { get; } = [];

    /// <summary>
    /// How long after a capped award a reversal can still free its cap room and re-credit what the cap withheld that
    /// period, 1 to 365 days. Default 30 days. Cap counters and withheld amounts older than this are dropped, so a
    /// member's points state stays bounded. (Weeks start on <c>CommunityOptions.FirstDayOfWeek</c>.)
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan RecreditWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How many withheld awards of one member a cap period keeps for re-credit, 0 to 10,000. Default 16. Re-credits go
    /// oldest first, and each needs a reversal that frees cap room in that period, so the first few withheld awards of a
    /// period are the ones that can ever be re-credited; later ones are still in the ledger (<c>PointsWithheld</c>) but
    /// are not kept, so a member who posts a thousand times a day costs no more memory than one who posts twenty.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxWithheldPerPeriod { get; set; } = 16;

    /// <summary>Declares a currency.</summary>
    /// <param name="name">Its name, such as <c>coins</c> or <c>reputation</c>.</param>
    /// <param name="spendable">Whether members can spend it.</param>
    /// <param name="configure">Sets expiry, pending days, caps, decimals.</param>
    /// <returns>These options.</returns>
    public PointsOptions Currency(string name, bool spendable = false, Action<CurrencyDefinition>? configure = null)
    {
        var currency = new CurrencyDefinition { Name = name, Spendable = spendable };
        configure?.Invoke(currency);
        Currencies.Add(currency);
        return this;
    }

    /// <summary>Declares an earning rule: a fixed <paramref name="amount"/>, or <paramref name="perUnit"/> of the activity's value.</summary>
    /// <param name="activityType">The activity type it reacts to.</param>
    /// <param name="amount">A fixed amount per activity.</param>
    /// <param name="perUnit">Points per unit of <see cref="Activity.Value"/> (0.1 = one point per 10 spent).</param>
    /// <param name="currency">The currency; may be left out when only one is declared.</param>
    /// <param name="configure">Sets caps, first-time-only, the maximum per activity, the id.</param>
    /// <returns>These options.</returns>
    public PointsOptions Rule(string activityType, decimal amount = 0, decimal perUnit = 0, string? currency = null, Action<PointsRule>? configure = null)
    {
        var rule = new PointsRule { ActivityType = activityType, Amount = amount, PerUnit = perUnit, Currency = currency };
        configure?.Invoke(rule);
        Rules.Add(rule);
        return this;
    }
}

/// <summary>How the points of a currency expire.</summary>
public enum ExpiryMode
{
    /// <summary>They never expire.</summary>
    Never,

    /// <summary><see cref="CurrencyDefinition.ExpiryDays"/> days after they were awarded.</summary>
    AfterDays,

    /// <summary>At the end of the calendar month they were awarded in (community time zone).</summary>
    EndOfMonth,

    /// <summary>At the end of the calendar year they were awarded in (community time zone).</summary>
    EndOfYear,
}

/// <summary>A currency: <c>reputation</c> (earned only, capped, never spent) or <c>coins</c> (spendable, may expire).</summary>
public sealed class CurrencyDefinition
{
    /// <summary>The name: lowercase letters, digits, <c>. _ -</c>.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The display name per culture (<c>"zh-CN": "积分"</c>), in <see cref="PointsBalance.CurrencyDisplayName"/>; falls back to <see cref="Name"/>.</summary>
    public IDictionary<string, string> DisplayNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether members can spend it. A spendable balance never goes below zero.</summary>
    public bool Spendable { get; set; }

    /// <summary>Decimal places amounts may have, 0 (whole points, default) to 4.</summary>
    [Range(0, 4)]
    public int Decimals { get; set; }

    /// <summary>How points expire. Default never.</summary>
    public ExpiryMode Expiry { get; set; } = ExpiryMode.Never;

    /// <summary>Days until expiry, with <see cref="ExpiryMode.AfterDays"/>.</summary>
    [Range(0, 36_500)]
    public int ExpiryDays { get; set; }

    /// <summary>Days awarded points are held (a return window) before they can be spent. Default 0.</summary>
    [Range(0, 3_650)]
    public int PendingDays { get; set; }

    /// <summary>Days ahead of expiry that a <see cref="PointsExpiring"/> notice is written by the sweep; 0 for none.</summary>
    [Range(0, 3_650)]
    public int ExpiringNoticeDays { get; set; }

    /// <summary>Most points of this currency a member can earn from capped rules per day (community time zone).</summary>
    [Range(typeof(decimal), "0.0001", "1000000000000")]
    public decimal? DailyCap { get; set; }

    /// <summary>Most points of this currency a member can earn from capped rules per week.</summary>
    [Range(typeof(decimal), "0.0001", "1000000000000")]
    public decimal? WeeklyCap { get; set; }
}

/// <summary>An earning rule over one activity type.</summary>
public sealed class PointsRule
{
    /// <summary>The rule's id, unique; defaults to the activity type (plus the currency when a type has several rules).</summary>
    public string? Id { get; set; }

    /// <summary>The activity type it reacts to.</summary>
    [Required]
    public string ActivityType { get; set; } = "";

    /// <summary>The currency; may be left out when only one is declared.</summary>
    public string? Currency { get; set; }

    /// <summary>A fixed amount per activity. Set this or <see cref="PerUnit"/>.</summary>
    [Range(typeof(decimal), "0", "1000000000000")]
    public decimal Amount { get; set; }

    /// <summary>Points per unit of the activity's value, rounded down to the currency's decimals. Set this or <see cref="Amount"/>.</summary>
    [Range(typeof(decimal), "0", "1000000000000")]
    public decimal PerUnit { get; set; }

    /// <summary>Award only the first time a member does it.</summary>
    public bool FirstTimeOnly { get; set; }

    /// <summary>Most points one activity can earn from this rule.</summary>
    [Range(typeof(decimal), "0.0001", "1000000000000")]
    public decimal? MaxPerActivity { get; set; }

    /// <summary>Most points a member can earn from this rule per day (community time zone).</summary>
    [Range(typeof(decimal), "0.0001", "1000000000000")]
    public decimal? DailyCap { get; set; }

    /// <summary>Most points a member can earn from this rule per week.</summary>
    [Range(typeof(decimal), "0.0001", "1000000000000")]
    public decimal? WeeklyCap { get; set; }

    /// <summary>Exempt from the currency's daily and weekly caps (Stack Overflow: accepted answers, bounties).</summary>
    public bool ExemptFromCurrencyCap { get; set; }

    /// <summary>The reason written on the ledger; defaults to <c>rule {id}</c>.</summary>
    public string? Reason { get; set; }
}
