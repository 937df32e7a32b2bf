namespace CommunitySdk.Scoring.Internal;

/// <summary>What a compiled tier check reads.</summary>
internal enum CheckKind
{
    Score,
    Tenure,
    Points,
    StrongTies,
    Activities,
    Endorsements,

    /// <summary>A channel's count or value sum, over a window or the whole history.</summary>
    WindowSum,

    /// <summary>Distinct days on which a channel counted something.</summary>
    WindowDays,

    /// <summary>Distinct keys of a set (attribute values or counterparts) in the window.</summary>
    WindowDistinct,
}

/// <summary>One requirement of a tier, compiled from the options (the old single-value settings and the <see cref="TierRequirement"/> list alike).</summary>
internal sealed class TierCheck
{
    public required string Name { get; init; }

    public required CheckKind Kind { get; init; }

    public double Target { get; init; }

    public bool IsMaximum { get; init; }

    /// <summary>The rolling window in days; 0 for the whole history.</summary>
    public int WindowDays { get; init; }

    /// <summary>The activity type (null: any).</summary>
    public string? Type { get; init; }

    public bool Received { get; init; }

    /// <summary>For <see cref="CheckKind.WindowDistinct"/>: the attribute, or null for the counterpart member.</summary>
    public string? Attribute { get; init; }

    public bool IsValue { get; init; }

    public int Channel { get; init; } = -1;

    public int Set { get; init; } = -1;

    public string? Currency { get; init; }

    public int Tier { get; init; }

    public bool Met(double value) => IsMaximum ? value <= Target : value >= Target;

    /// <summary>Compiles a tier's requirements, registering the counters they read in <paramref name="windows"/>.</summary>
    public static TierCheck[] Compile(TierDefinition tier, int index, TierWindowModel windows)
    {
        var checks = new List<TierCheck>();
        if (tier.MinScore > 0)
        {
            checks.Add(new TierCheck { Name = "score", Kind = CheckKind.Score, Target = tier.MinScore });
        }

        if (tier.MinTenureDays > 0)
        {
            checks.Add(new TierCheck { Name = "days since joining", Kind = CheckKind.Tenure, Target = tier.MinTenureDays });
        }

        if (tier.MinPoints > 0 && tier.PointsCurrency is { } currency)
        {
            checks.Add(new TierCheck { Name = $"{currency} balance", Kind = CheckKind.Points, Target = (double)tier.MinPoints, Currency = currency });
        }

        if (tier.MinStrongTies > 0)
        {
            checks.Add(new TierCheck { Name = "strong ties", Kind = CheckKind.StrongTies, Target = tier.MinStrongTies });
        }

        foreach (var (type, minimum) in tier.MinActivities.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            checks.Add(new TierCheck { Name = type, Kind = CheckKind.Activities, Target = minimum, Type = type });
        }

        if (tier.Endorsements > 0)
        {
            checks.Add(new TierCheck { Name = "endorsements", Kind = CheckKind.Endorsements, Target = tier.Endorsements, Tier = index });
        }

        foreach (var r in tier.Requirements)
        {
            var name = r.DisplayName();
            var received = r.Direction == TierDirection.Received;
            var target = r.MinRatio is { } ratio ? Math.Ceiling((ratio * r.WindowDays) - 1e-9) : r.Minimum ?? r.Maximum ?? 0;
            windows.Window(r.WindowDays);
            checks.Add(r.Measure switch
            {
                TierMeasure.DistinctDays => new TierCheck
                {
                    Name = name, Kind = CheckKind.WindowDays, Target = target, IsMaximum = r.Maximum is not null, WindowDays = r.WindowDays,
                    Type = r.ActivityType, Received = received, Channel = windows.Channel(r.ActivityType, received, value: false),
                },
                TierMeasure.DistinctValues => new TierCheck
                {
                    Name = name, Kind = CheckKind.WindowDistinct, Target = target, IsMaximum = r.Maximum is not null, WindowDays = r.WindowDays,
                    Type = r.ActivityType, Received = received, Attribute = r.Attribute, Set = windows.Set(r.ActivityType!, received, r.Attribute),
                },
                _ => new TierCheck
                {
                    Name = name, Kind = CheckKind.WindowSum, Target = target, IsMaximum = r.Maximum is not null, WindowDays = r.WindowDays,
                    Type = r.ActivityType, Received = received, IsValue = r.Measure == TierMeasure.Sum,
                    Channel = windows.Channel(r.ActivityType, received, value: r.Measure == TierMeasure.Sum),
                },
            });
            if (r.MinCounterparts > 0)
            {
                checks.Add(new TierCheck
                {
                    Name = $"{name}: distinct members", Kind = CheckKind.WindowDistinct, Target = r.MinCounterparts, WindowDays = r.WindowDays,
                    Type = r.ActivityType, Received = received, Set = windows.Set(r.ActivityType!, received, null),
                });
            }

            if (r.MinSpreadDays > 0)
            {
                checks.Add(new TierCheck
                {
                    Name = $"{name}: distinct days", Kind = CheckKind.WindowDays, Target = r.MinSpreadDays, WindowDays = r.WindowDays,
                    Type = r.ActivityType, Received = received, Channel = windows.Channel(r.ActivityType, received, value: false),
                });
            }
        }

        return [.. checks];
    }
}
