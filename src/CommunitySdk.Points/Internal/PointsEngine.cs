using System.Globalization;

namespace CommunitySdk.Points.Internal;

/// <summary>
/// Computes points effects inside a unit of work. It reads a working copy of each touched member (the
/// projection's state plus every points event emitted so far in this activity) and emits events; the same
/// fold (<see cref="MemberPoints.Apply"/>) then updates the working copy, and after commit the projection.
/// </summary>
internal sealed class PointsEngine(PointsCatalog catalog, PointsProjection projection) : IPointsAwarder
{
    /// <summary>Largest single amount.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>Largest balance.</summary>
    public const decimal MaxBalance = 1_000_000_000_000_000m;

    public IReadOnlyCollection<string> Currencies => catalog.CurrencyOrder;

    public PointsAwarded Award(ActivityContext context, MemberId member, string currency, decimal amount, string reason, string? sourceKey = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var definition = catalog.Currency(currency);
        CheckAmount(amount, definition);
        RequireReason(reason);
        return AwardCore(context, member, definition, amount, reason, rule: null, manual: false, sourceKey)
            ?? throw new InvalidOperationException("An uncapped award always emits an entry.");
    }

    /// <summary>Runs the earning rules of the activity's type.</summary>
    public void ApplyRules(ActivityContext context)
    {
        if (!catalog.RulesByType.TryGetValue(context.Activity.Type, out var rules))
        {
            return;
        }

        var state = Workspace(context).Get(context.Member);
        foreach (var rule in rules)
        {
            if (rule.Rule.FirstTimeOnly && state.RulesFired.Contains(rule.Id))
            {
                continue;
            }

            var amount = rule.Rule.PerUnit > 0 ? (context.Activity.Value ?? 0) * rule.Rule.PerUnit : rule.Rule.Amount;
            amount = Floor(Math.Min(amount, rule.Rule.MaxPerActivity ?? decimal.MaxValue), rule.Currency.Decimals);
            if (amount <= 0)
            {
                continue;
            }

            AwardCore(context, context.Member, rule.Currency, Math.Min(amount, MaxAmount), rule.Rule.Reason ?? $"rule {rule.Id}", rule, manual: false);
        }
    }

    public void ManualAward(ActivityContext context)
    {
        var (currency, amount, reason) = Command(context);
        AwardCore(context, context.Member, currency, amount, reason, rule: null, manual: true);
    }

    public void Deduct(ActivityContext context)
    {
        var (currency, amount, reason) = Command(context);
        var state = Workspace(context).Get(context.Member);
        var draws = Draw(state, currency.Name, amount, context.EffectiveTime, includePending: true, preferred: null, out var drawn);
        if (drawn < amount)
        {
            throw new InsufficientPointsException(context.Member, currency.Name, amount, drawn);
        }

        Emit(context, new PointsDeducted { Member = context.Member, Currency = currency.Name, Amount = -amount, Reason = reason, Draws = draws });
    }

    public void Spend(ActivityContext context)
    {
        var (currency, amount, reason) = Command(context);
        if (!currency.Spendable)
        {
            throw new CommunityValidationException("currency", $"'{currency.Name}' is not spendable");
        }

        var state = Workspace(context).Get(context.Member);
        var draws = Draw(state, currency.Name, amount, context.EffectiveTime, includePending: false, preferred: null, out var drawn);
        if (drawn < amount)
        {
            throw new InsufficientPointsException(context.Member, currency.Name, amount, drawn);
        }

        Emit(context, new PointsSpent { Member = context.Member, Currency = currency.Name, Amount = -amount, Reason = reason, Draws = draws });
    }

    public void Reverse(ActivityContext context)
    {
        var source = context.Activity.GetAttribute(PointsActivityTypes.SourceAttribute);
        if (string.IsNullOrEmpty(source))
        {
            throw new CommunityValidationException("source", "is required");
        }

        var reason = RequireReason(context.Activity.GetAttribute(PointsActivityTypes.ReasonAttribute));
        var entries = projection.Read(context.Community, p => p.BySource.TryGetValue(source, out var list) ? list.ToArray() : [], []);
        if (entries.Length == 0)
        {
            throw new CommunityValidationException("source", $"no points were awarded for activity '{source}'");
        }

        var workspace = Workspace(context);
        foreach (var entry in entries)
        {
            var state = workspace.Get(entry.Member);
            if (entry.Withheld)
            {
                if (state.Withheld.Exists(w => w.ActivityId == entry.ActivityId && w.Index == entry.Index))
                {
                    Emit(context, new PointsWithheldCancelled { Member = entry.Member, WithheldActivityId = entry.ActivityId, WithheldIndex = entry.Index });
                }

                continue;
            }

            if (state.Reversed.Contains((entry.ActivityId, entry.Index)))
            {
                continue; // reversing twice is a no-op
            }

            var award = projection.Read(context.Community, p => p.Awards[(entry.ActivityId, entry.Index)], null!);
            var draws = Draw(state, award.Currency, award.Amount, context.EffectiveTime, includePending: true, preferred: (entry.ActivityId, entry.Index), out var recovered);
            Emit(context, new PointsReversed
            {
                Member = entry.Member,
                Currency = award.Currency,
                Amount = -recovered,
                Reason = reason,
                ReversedActivityId = entry.ActivityId,
                ReversedIndex = entry.Index,
                Unrecovered = award.Amount - recovered,
                Draws = draws,
                CapsFreed = award.CapUses,
            });
            if (award.CapUses.Count > 0)
            {
                Recredit(context, entry.Member, award.Currency, award.CapUses, source);
            }
        }
    }

    public void Expire(ActivityContext context)
    {
        var state = Workspace(context).Get(context.Member);
        var now = context.EffectiveTime;
        foreach (var name in catalog.CurrencyOrder)
        {
            var currency = catalog.Currencies[name];
            var expired = state.Lots.Where(l => l.Currency == name && l.IsExpired(now)).Select(l => new LotDraw(l.ActivityId, l.Index, l.Remaining)).ToArray();
            if (expired.Length > 0)
            {
                Emit(context, new PointsExpired { Member = context.Member, Currency = name, Amount = -expired.Sum(d => d.Amount), Reason = "expired", Draws = expired });
            }

            if (currency.ExpiringNoticeDays > 0)
            {
                var horizon = now.AddDays(currency.ExpiringNoticeDays);
                foreach (var lot in state.Lots.Where(l => l.Currency == name && !l.Noticed && l.ExpiresAt is { } at && at > now && at <= horizon).ToArray())
                {
                    Emit(context, new PointsExpiring { Member = context.Member, Currency = name, Amount = lot.Remaining, ExpiresAt = lot.ExpiresAt!.Value, LotActivityId = lot.ActivityId, LotIndex = lot.Index });
                }
            }
        }
    }

    /// <summary>Whether the sweep has anything to write for this member at <paramref name="now"/>.</summary>
    public bool HasExpiryWork(MemberPoints state, DateTimeOffset now) => state.Lots.Exists(l =>
        l.IsExpired(now)
        || (!l.Noticed && l.ExpiresAt is { } at && catalog.Currencies.TryGetValue(l.Currency, out var c) && c.ExpiringNoticeDays > 0 && at <= now.AddDays(c.ExpiringNoticeDays)));

    public static void CheckAmount(decimal? value, CurrencyDefinition currency, string field = "amount")
    {
        if (value is not { } amount)
        {
            throw new CommunityValidationException(field, "is required");
        }

        if (amount <= 0)
        {
            throw new CommunityValidationException(field, "must be positive");
        }

        if (amount > MaxAmount)
        {
            throw new CommunityValidationException(field, string.Create(CultureInfo.InvariantCulture, $"must be at most {MaxAmount}"));
        }

        if (decimal.Round(amount, currency.Decimals) != amount)
        {
            throw new CommunityValidationException(field, $"has more than {currency.Decimals} decimal places, the precision of '{currency.Name}'");
        }
    }

    public static string RequireReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new CommunityValidationException("reason", "is required") :
        reason.Length > Activity.MaxAttributeValueLength ? throw new CommunityValidationException("reason", $"must be at most {Activity.MaxAttributeValueLength} characters") :
        reason;

    private PointsAwarded? AwardCore(ActivityContext context, MemberId member, CurrencyDefinition currency, decimal requested, string reason, ResolvedRule? rule, bool manual, string? sourceKey = null)
    {
        var state = Workspace(context).Get(member);
        var caps = rule is null ? [] : ApplicableCaps(context, rule);
        var granted = requested;
        foreach (var (scope, period, limit) in caps)
        {
            granted = Math.Min(granted, limit - state.CapUsed.GetValueOrDefault((scope, period)));
        }

        granted = Math.Max(0, Floor(granted, currency.Decimals));
        if (state.Total(currency.Name) + granted > MaxBalance)
        {
            throw new CommunityValidationException("amount", string.Create(CultureInfo.InvariantCulture, $"would take the {currency.Name} balance of '{member}' past {MaxBalance}"));
        }

        if (granted > 0)
        {
            return Emit(context, new PointsAwarded
            {
                Member = member,
                Currency = currency.Name,
                Amount = granted,
                Reason = reason,
                RuleId = rule?.Id,
                SourceKey = sourceKey ?? context.Activity.IdempotencyKey,
                Withheld = requested - granted,
                Manual = manual,
                AvailableAt = currency.PendingDays > 0 ? context.EffectiveTime.AddDays(currency.PendingDays) : null,
                ExpiresAt = ExpiresAt(currency, context.EffectiveTime, context.TimeZone),
                CapUses = caps.Select(c => new CapUse(c.Scope, c.Period, granted)).ToArray(),
            });
        }

        Emit(context, new PointsWithheld
        {
            Member = member,
            Currency = currency.Name,
            Amount = requested,
            RuleId = rule!.Id,
            SourceKey = context.Activity.IdempotencyKey,
            Caps = caps.Select(c => new CapUse(c.Scope, c.Period, 0)).ToArray(),
        });
        return null;
    }

    /// <summary>Gives withheld amounts the cap room a reversal freed, oldest first (Stack Overflow's missing re-credit).</summary>
    private void Recredit(ActivityContext context, MemberId member, string currencyName, IReadOnlyList<CapUse> freed, string reversedSource)
    {
        var state = Workspace(context).Get(member);
        var currency = catalog.Currencies[currencyName];
        var candidates = state.Withheld
            .Where(w => w.Currency == currencyName && w.SourceKey != reversedSource && w.Caps.Any(c => freed.Any(f => f.Scope == c.Scope && f.Period == c.Period)))
            .OrderBy(w => w.ActivityId).ThenBy(w => w.Index)
            .ToArray();
        foreach (var withheld in candidates)
        {
            var grant = withheld.Remaining;
            foreach (var cap in withheld.Caps)
            {
                if (catalog.CapLimits.TryGetValue(cap.Scope, out var limit))
                {
                    grant = Math.Min(grant, limit - state.CapUsed.GetValueOrDefault((cap.Scope, cap.Period)));
                }
            }

            grant = Floor(grant, currency.Decimals);
            if (grant <= 0)
            {
                continue;
            }

            Emit(context, new PointsAwarded
            {
                Member = member,
                Currency = currencyName,
                Amount = grant,
                Reason = "re-credit: a reversal freed cap room",
                RuleId = withheld.RuleId,
                SourceKey = withheld.SourceKey,
                RecreditOfActivityId = withheld.ActivityId,
                RecreditOfIndex = withheld.Index,
                AvailableAt = currency.PendingDays > 0 ? context.EffectiveTime.AddDays(currency.PendingDays) : null,
                ExpiresAt = ExpiresAt(currency, context.EffectiveTime, context.TimeZone),
                CapUses = withheld.Caps.Select(c => c with { Amount = grant }).ToArray(),
            });
        }
    }

    private List<(string Scope, DateOnly Period, decimal Limit)> ApplicableCaps(ActivityContext context, ResolvedRule rule)
    {
        var day = context.LocalDate;
        var week = day.AddDays(-(((int)day.DayOfWeek - (int)catalog.FirstDayOfWeek + 7) % 7));
        var caps = new List<(string, DateOnly, decimal)>(4);
        void Add(string scope, DateOnly period)
        {
            if (catalog.CapLimits.TryGetValue(scope, out var limit))
            {
                caps.Add((scope, period, limit));
            }
        }

        Add(PointsCatalog.CapScope("rule", rule.Id, daily: true), day);
        Add(PointsCatalog.CapScope("rule", rule.Id, daily: false), week);
        if (!rule.Rule.ExemptFromCurrencyCap)
        {
            Add(PointsCatalog.CapScope("currency", rule.Currency.Name, daily: true), day);
            Add(PointsCatalog.CapScope("currency", rule.Currency.Name, daily: false), week);
        }

        return caps;
    }

    /// <summary>Takes <paramref name="amount"/> from lots: a preferred lot first, then available lots, earliest expiry first, then (optionally) pending lots.</summary>
    private static LotDraw[] Draw(MemberPoints state, string currency, decimal amount, DateTimeOffset now, bool includePending, (long, int)? preferred, out decimal drawn)
    {
        var order = state.Lots.Where(l => l.Currency == currency && (l.ActivityId, l.Index) == preferred)
            .Concat(state.Lots.Where(l => l.Currency == currency && (l.ActivityId, l.Index) != preferred && !l.IsPending(now) && !l.IsExpired(now))
                .OrderBy(l => l.ExpiresAt ?? DateTimeOffset.MaxValue).ThenBy(l => l.ActivityId).ThenBy(l => l.Index))
            .Concat(includePending
                ? state.Lots.Where(l => l.Currency == currency && (l.ActivityId, l.Index) != preferred && l.IsPending(now) && !l.IsExpired(now))
                    .OrderBy(l => l.AvailableAt).ThenBy(l => l.ActivityId).ThenBy(l => l.Index)
                : []);
        var draws = new List<LotDraw>();
        drawn = 0;
        foreach (var lot in order)
        {
            if (drawn == amount)
            {
                break;
            }

            var take = Math.Min(lot.Remaining, amount - drawn);
            draws.Add(new LotDraw(lot.ActivityId, lot.Index, take));
            drawn += take;
        }

        return [.. draws];
    }

    private (CurrencyDefinition Currency, decimal Amount, string Reason) Command(ActivityContext context)
    {
        var currency = catalog.Currency(context.Activity.GetAttribute(PointsActivityTypes.CurrencyAttribute));
        CheckAmount(context.Activity.Value, currency);
        return (currency, context.Activity.Value!.Value, RequireReason(context.Activity.GetAttribute(PointsActivityTypes.ReasonAttribute)));
    }

    private T Emit<T>(ActivityContext context, T communityEvent)
        where T : CommunityEvent
    {
        var stamped = context.Emit(communityEvent);
        Workspace(context).Get(stamped.Member).Apply(stamped);
        return stamped;
    }

    private Workspace Workspace(ActivityContext context) => context.GetOrAddState(() => new Workspace(projection, context.Community));

    internal static DateTimeOffset? ExpiresAt(CurrencyDefinition currency, DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return currency.Expiry switch
        {
            ExpiryMode.AfterDays => at.AddDays(currency.ExpiryDays),
            ExpiryMode.EndOfMonth => LocalMidnight(new DateOnly(local.Year, local.Month, 1).AddMonths(1), zone),
            ExpiryMode.EndOfYear => LocalMidnight(new DateOnly(local.Year + 1, 1, 1), zone),
            _ => null,
        };
    }

    /// <summary>The first instant of a local date (skipping forward over a daylight-saving gap).</summary>
    internal static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static decimal Floor(decimal value, int decimals)
    {
        var scale = decimals switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => 10000m };
        return Math.Floor(value * scale) / scale;
    }
}

/// <summary>The working copies of the members one unit of work touched.</summary>
internal sealed class Workspace(PointsProjection projection, CommunityId community)
{
    private readonly Dictionary<MemberId, MemberPoints> _members = [];

    public MemberPoints Get(MemberId member)
    {
        if (!_members.TryGetValue(member, out var state))
        {
            _members[member] = state = projection.WorkingCopy(community, member);
        }

        return state;
    }
}
