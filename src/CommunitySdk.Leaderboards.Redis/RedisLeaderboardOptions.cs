namespace CommunitySdk.Leaderboards.Redis;

/// <summary>Redis leaderboard settings.</summary>
public sealed class RedisLeaderboardOptions
{
    /// <summary>The conventional configuration section: <c>Community:Redis</c>.</summary>
    public const string SectionName = "Community:Redis";

    /// <summary>The StackExchange.Redis configuration string (for example <c>localhost:6379</c>). Required.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key. Default <c>communitysdk</c>.</summary>
    public string KeyPrefix { get; set; } = "communitysdk";

    /// <summary>
    /// The engagement half-life; <see langword="null"/> (the default) takes the scoring feature's
    /// (<see cref="Scoring.IScoringService.HalfLife"/>), so the Redis boards rank exactly as the in-process ones; 30 days
    /// when scoring is not registered. Set it only to rank differently on purpose.
    /// </summary>
    public TimeSpan? HalfLife { get; set; }

    /// <summary>
    /// The fixed reference time of the forward-decayed scores (stored as w·e^{λ(t−t0)}). Rebuild with a later
    /// reference long before the exponent nears the double range (about 60 years at a 30-day half-life).
    /// </summary>
    public DateTimeOffset Reference { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The currency whose earned points fill the windowed boards; <see langword="null"/> counts every currency.</summary>
    public string? PointsCurrency { get; set; }

    /// <summary>How long an event id is remembered to ignore its redelivery. Default 7 days.</summary>
    public TimeSpan RedeliveryWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a day / week / month board lives after its last change. Defaults 40, 120 and 400 days.</summary>
    public TimeSpan DayRetention { get; set; } = TimeSpan.FromDays(40);

    /// <summary>How long a week board lives after its last change.</summary>
    public TimeSpan WeekRetention { get; set; } = TimeSpan.FromDays(120);

    /// <summary>How long a month board lives after its last change (and how long an award is remembered for its reversal).</summary>
    public TimeSpan MonthRetention { get; set; } = TimeSpan.FromDays(400);
}

/// <summary>Checks <see cref="RedisLeaderboardOptions"/> at start, without reflection.</summary>
internal sealed class RedisLeaderboardOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<RedisLeaderboardOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, RedisLeaderboardOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("RedisLeaderboardOptions.Configuration is required, for example 'localhost:6379'.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add("RedisLeaderboardOptions.KeyPrefix is required.");
        }

        if (options.HalfLife is { } halfLife && halfLife <= TimeSpan.Zero)
        {
            failures.Add($"RedisLeaderboardOptions.HalfLife must be positive (was {halfLife}).");
        }

        foreach (var (key, value) in new[] { ("RedeliveryWindow", options.RedeliveryWindow), ("DayRetention", options.DayRetention), ("WeekRetention", options.WeekRetention), ("MonthRetention", options.MonthRetention) })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"RedisLeaderboardOptions.{key} must be positive (was {value}).");
            }
        }

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
