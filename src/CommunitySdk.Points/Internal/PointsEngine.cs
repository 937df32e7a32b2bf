using System.Globalization;

namespace CommunitySdk.Points.Internal;

/// <summary>
/// Computes points effects inside a unit of work. It reads a working copy of each touched member (the projection's
/// state plus every points event emitted so far in this activity, by any reactor) and emits events; the same fold
/// (<see cref="MemberPoints.Apply"/>) then updates the working copy, and after the activity the projection.
/// </summary>
internal sealed class PointsEngine(PointsCatalog catalog, PointsProjection projection, ICommunityCalendar calendar) : IPointsAwarder
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

    public decimal Balance(ActivityContext context, MemberId member, string currency)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Workspace(context).Get(member).Total(catalog.CurrencyIndex(catalog.Currency(currency).Name));
    }

    /// <summary>Runs the earning rules of the activity's type.</summary>
    public void ApplyRules(ActivityContext context)
    {
        if (!catalog.RulesByType.TryGetValue(context.Activity.Type, out var rules))
        {
            return;
        }

        // Read once: an award of this activity sets only its own rule's bit, and each rule fires once per activity.
        var fired = Workspace(context).Get(context.Member).RulesFired;
        foreach (var rule in rules)
        {
            if (rule.Rule.FirstTimeOnly && (fired & (1UL << catalog.FirstTimeRuleIndex(rule.Id))) != 0)
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

        context.Emit(new PointsDeducted { Member = context.Member, Currency = currency.Name, Amount = -amount, Reason = reason, Draws = draws });
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

        context.Emit(new PointsSpent { Member = context.Member, Currency = currency.Name, Amount = -amount, Reason = reason, Draws = draws });
    }

    /// <summary>
    /// Reacts to the core reversal of an activity: takes back every award made for it (whoever got it, the rewards of
    /// a referral included, and awards later activities made for it); cancels what is still withheld. Cap room the
    /// awards used is freed, and what the cap cut from other awards of those periods is re-credited.
    /// </summary>
    public void Reverse(ActivityContext context)
    {
        if (ActivityReversal.Of(context) is not { } source)
        {
            return; // reversed before: nothing to do
        }

        var reason = context.Activity.GetRequiredString(PointsActivityTypes.ReasonAttribute);
        var key = source.Activity.IdempotencyKey;
        var workspace = Workspace(context);
        foreach (var e in source.Events)
        {
            switch (e)
            {
                // Awards for this activity; an award the activity made for another source is reversed with that one.
                case PointsAwarded award when award.SourceKey == key:
                    ReverseAward(context, workspace, award, reason, key);
                    break;
                case PointsWithheld withheld:
                    if (workspace.Get(withheld.Member).Withheld?.Exists(w => w.ActivityId == withheld.ActivityId && w.Index == withheld.Index) == true)
                    {
                        context.Emit(new PointsWithheldCancelled { Member = withheld.Member, WithheldActivityId = withheld.ActivityId, WithheldIndex = withheld.Index });
                    }

                    break;
            }
        }

        // Awards other activities made for it: rewards on a referral's approval, re-credits of what a cap withheld.
        foreach (var award in projection.Of(context).Deferred.GetValueOrDefault(key)?.ToArray() ?? [])
        {
            ReverseAward(context, workspace, award, reason, key);
        }
    }

    public void Expire(ActivityContext context)
    {
        var workspace = Workspace(context);
        var now = context.EffectiveTime;
        for (var c = 0; c < catalog.CurrencyOrder.Count; c++)
        {
            var state = workspace.Get(context.Member);
            var name = catalog.CurrencyOrder[c];
            var currency = catalog.Currencies[name];
            var lots = state.Lots ?? [];
            var expired = lots.Where(l => l.Currency == c && l.IsExpired(now)).Select(l => new LotDraw(l.ActivityId, l.Index, l.Remaining)).ToArray();
            if (expired.Length > 0)
            {
                context.Emit(new PointsExpired { Member = context.Member, Currency = name, Amount = -expired.Sum(d => d.Amount), Reason = "expired", Draws = expired });
            }

            if (currency.ExpiringNoticeDays > 0)
            {
                var horizon = now.AddDays(currency.ExpiringNoticeDays);
                foreach (var lot in (workspace.Get(context.Member).Lots ?? []).Where(l => l.Currency == c && !l.Noticed && l.ExpiresAt is { } at && at > now && at <= horizon).ToArray())
                {
                    context.Emit(new PointsExpiring { Member = context.Member, Currency = name, Amount = lot.Remaining, ExpiresAt = lot.ExpiresAt!.Value, LotActivityId = lot.ActivityId, LotIndex = lot.Index });
                }
            }
        }
    }

    /// <summary>Whether the sweep has anything to write for this member at <paramref name="now"/>.</summary>
    public bool HasExpiryWork(MemberPoints state, DateTimeOffset now) => state.Lots?.Exists(l =>
        l.IsExpired(now)
        || (!l.Noticed && l.ExpiresAt is { } at && catalog.Currencies[catalog.CurrencyOrder[l.Currency]].ExpiringNoticeDays is var notice && notice > 0 && at <= now.AddDays(notice))) == true;

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

    internal static DateTimeOffset? ExpiresAt(CurrencyDefinition currency, DateTimeOffset at, ICommunityCalendar calendar, CommunityId community)
    {
        var local = calendar.LocalDate(community, at);
        return currency.Expiry switch
        {
            ExpiryMode.AfterDays => at.AddDays(currency.ExpiryDays),
            ExpiryMode.EndOfMonth => calendar.StartOf(community, new DateOnly(local.Year, local.Month, 1).AddMonths(1)),
            ExpiryMode.EndOfYear => calendar.StartOf(community, new DateOnly(local.Year + 1, 1, 1)),
            _ => null,
        };
    }

    private void ReverseAward(ActivityContext context, Workspace workspace, PointsAwarded award, string reason, string sourceKey)
    {
        var state = workspace.Get(award.Member);
        var draws = Draw(state, award.Currency, award.Amount, context.EffectiveTime, includePending: true, preferred: (award.ActivityId, award.Index), out var recovered);
        var freed = FreeableCaps(context, award.CapUses);
        context.Emit(new PointsReversed
        {
            Member = award.Member,
            Currency = award.Currency,
            Amount = -recovered,
            Reason = reason,
            ReversedActivityId = award.ActivityId,
            ReversedIndex = award.Index,
            Unrecovered = award.Amount - recovered,
            Draws = draws,
            CapsFreed = freed,
            AwardCountedAt = award.CountsAt ?? award.OccurredAt,
        });
        if (freed.Length > 0)
        {
            Recredit(context, award.Member, award.Currency, freed, sourceKey);
        }
    }

    /// <summary>The cap uses whose period is still within the re-credit window (older counters are gone).</summary>
    private CapUse[] FreeableCaps(ActivityContext context, IReadOnlyList<CapUse> uses)
    {
        if (uses.Count == 0)
        {
            return [];
        }

        var oldest = calendar.LocalDate(context.Community, context.EffectiveTime - catalog.Options.RecreditWindow);
        return uses.Where(u => u.Period >= oldest && catalog.ScopeIndex(u.Scope) >= 0).ToArray();
    }

    private PointsAwarded? AwardCore(ActivityContext context, MemberId member, CurrencyDefinition currency, decimal requested, string reason, ResolvedRule? rule, bool manual, string? sourceKey = null)
    {
        var state = Workspace(context).Get(member);
        var caps = rule is null ? [] : ApplicableCaps(context, rule);
        var granted = requested;
        foreach (var (scope, period, limit) in caps)
        {
            granted = Math.Min(granted, limit - state.CapUsed(catalog.ScopeIndex(scope), period));
        }

        granted = Math.Max(0, Floor(granted, currency.Decimals));
        if (state.Total(catalog.CurrencyIndex(currency.Name)) + granted > MaxBalance)
        {
            throw new CommunityValidationException("amount", string.Create(CultureInfo.InvariantCulture, $"would take the {currency.Name} balance of '{member}' past {MaxBalance}"));
        }

        if (granted > 0)
        {
            return context.Emit(new PointsAwarded
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
                ExpiresAt = ExpiresAt(currency, context.EffectiveTime, calendar, context.Community),
                CapUses = Uses(caps, granted),
            });
        }

        context.Emit(new PointsWithheld
        {
            Member = member,
            Currency = currency.Name,
            Amount = requested,
            RuleId = rule!.Id,
            SourceKey = context.Activity.IdempotencyKey,
            Caps = Uses(caps, 0),
        });
        return null;
    }

    /// <summary>
    /// Gives withheld amounts the cap room a reversal freed, oldest first (Stack Overflow's missing re-credit). A
    /// re-credit counts as earned when the withheld award was (the window whose cap room it uses).
    /// </summary>
    private void Recredit(ActivityContext context, MemberId member, string currencyName, IReadOnlyList<CapUse> freed, string reversedSource)
    {
        var state = Workspace(context).Get(member);
        var currency = catalog.Currencies[currencyName];
        var candidates = (state.Withheld ?? [])
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
                    grant = Math.Min(grant, limit - state.CapUsed(catalog.ScopeIndex(cap.Scope), cap.Period));
                }
            }

            grant = Floor(grant, currency.Decimals);
            if (grant <= 0)
            {
                continue;
            }

            context.Emit(new PointsAwarded
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
                ExpiresAt = ExpiresAt(currency, context.EffectiveTime, calendar, context.Community),
                CapUses = withheld.Caps.Select(c => c with { Amount = grant }).ToArray(),
                CountsAt = withheld.At,
            });
        }
    }

    private static CapUse[] Uses((string Scope, DateOnly Period, decimal Limit)[] caps, decimal amount)
    {
        if (caps.Length == 0)
        {
            return [];
        }

        var uses = new CapUse[caps.Length];
        for (var i = 0; i < caps.Length; i++)
        {
            uses[i] = new CapUse(caps[i].Scope, caps[i].Period, amount);
        }

        return uses;
    }

    /// <summary>The caps of the rule with the periods of this activity (empty for a manual award or an uncapped rule).</summary>
    private (string Scope, DateOnly Period, decimal Limit)[] ApplicableCaps(ActivityContext context, ResolvedRule rule)
    {
        if (rule.Caps.Length == 0)
        {
            return [];
        }

        var day = context.LocalDate;
        var week = calendar.PeriodStart(context.Community, CalendarPeriod.Week, day);
        var caps = new (string, DateOnly, decimal)[rule.Caps.Length];
        for (var i = 0; i < caps.Length; i++)
        {
            var cap = rule.Caps[i];
            caps[i] = (cap.Scope, cap.Daily ? day : week, cap.Limit);
        }

        return caps;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> from the member: for a currency with lots, a preferred lot first, then available
    /// lots, earliest expiry first, then (optionally) pending lots; for one without, from the total.
    /// </summary>
    private LotDraw[] Draw(MemberPoints state, string currency, decimal amount, DateTimeOffset now, bool includePending, (long, int)? preferred, out decimal drawn)
    {
        var index = catalog.CurrencyIndex(currency);
        if (!catalog.HasLots(index))
        {
            drawn = Math.Clamp(state.Total(index), 0, amount);
            return [];
        }

        drawn = 0;
        if (state.Lots is not { } lots)
        {
            return [];
        }

        // The preferred lot, then available lots by earliest expiry, then (optionally) pending lots by when they
        // become available; ties by award. Lots are appended in award order, which is usually already this order.
        var draws = new List<LotDraw>(4);
        if (preferred is { } p)
        {
            foreach (var lot in lots)
            {
                if (lot.Currency == index && lot.Is(p.Item1, p.Item2))
                {
                    drawn = Take(draws, lot, amount, drawn);
                    break;
                }
            }
        }

        drawn = DrawInOrder(lots, state.LotsInOrder, index, preferred, now, pending: false, draws, amount, drawn);
        if (includePending)
        {
            drawn = DrawInOrder(lots, state.LotsInOrder, index, preferred, now, pending: true, draws, amount, drawn);
        }

        return [.. draws];
    }

    private static decimal DrawInOrder(List<Lot> lots, bool inOrder, int currency, (long, int)? preferred, DateTimeOffset now, bool pending, List<LotDraw> draws, decimal amount, decimal drawn)
    {
        if (!inOrder)
        {
            return DrawSorted(lots, currency, preferred, now, pending, draws, amount, drawn);
        }

        // In order: one pass that stops as soon as the amount is drawn.
        for (var i = 0; i < lots.Count && drawn < amount; i++)
        {
            var lot = lots[i];
            if (lot.Currency == currency && lot.IsPending(now) == pending && !lot.IsExpired(now) && (preferred is not { } p || !lot.Is(p.Item1, p.Item2)))
            {
                drawn = Take(draws, lot, amount, drawn);
            }
        }

        return drawn;
    }

    private static decimal DrawSorted(List<Lot> lots, int currency, (long, int)? preferred, DateTimeOffset now, bool pending, List<LotDraw> draws, decimal amount, decimal drawn)
    {
        var positions = new List<int>();
        for (var i = 0; i < lots.Count; i++)
        {
            var lot = lots[i];
            if (lot.Currency == currency && lot.IsPending(now) == pending && !lot.IsExpired(now) && (preferred is not { } p || !lot.Is(p.Item1, p.Item2)))
            {
                positions.Add(i);
            }
        }

        positions.Sort((a, b) => Key(lots[a], pending).CompareTo(Key(lots[b], pending)));
        foreach (var i in positions)
        {
            if (drawn == amount)
            {
                break;
            }

            drawn = Take(draws, lots[i], amount, drawn);
        }

        return drawn;
    }

    private static (DateTimeOffset, long, int) Key(in Lot lot, bool pending) => ((pending ? lot.AvailableAt : lot.ExpiresAt) ?? DateTimeOffset.MaxValue, lot.ActivityId, lot.Index);

    private static decimal Take(List<LotDraw> draws, in Lot lot, decimal amount, decimal drawn)
    {
        var take = Math.Min(lot.Remaining, amount - drawn);
        if (take > 0)
        {
            draws.Add(new LotDraw(lot.ActivityId, lot.Index, take));
        }

        return drawn + take;
    }

    private (CurrencyDefinition Currency, decimal Amount, string Reason) Command(ActivityContext context)
    {
        var currency = catalog.Currency(context.Activity.GetAttribute(PointsActivityTypes.CurrencyAttribute));
        CheckAmount(context.Activity.Value, currency);
        return (currency, context.Activity.Value!.Value, RequireReason(context.Activity.GetAttribute(PointsActivityTypes.ReasonAttribute)));
    }

    private Workspace Workspace(ActivityContext context) =>
        context.GetOrAddState((catalog, projection, context), static a => new Workspace(a.catalog, a.projection.Of(a.context), CommunityMembers.Of(a.context)));

    private static decimal Floor(decimal value, int decimals)
    {
        var scale = decimals switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => 10000m };
        return Math.Floor(value * scale) / scale;
    }
}

/// <summary>
/// The working copies of the members one unit of work touched. A member nothing was emitted for yet is read straight
/// from the committed state (no copy); the first read after an event for them copies what they hold now and folds the
/// events emitted since, whichever reactor emitted them; later events fold into that copy. The engine never changes
/// a state it reads: every change is an event.
/// </summary>
internal sealed class Workspace(PointsCatalog catalog, PointsState committed, CommunityMembers members) : IWorkingCopy
{
    private readonly List<Entry> _members = new(2); // an activity touches one or two members

    public MemberPoints Get(MemberId member)
    {
        var entry = EntryOf(member);

        if (entry.Own is { } own)
        {
            return own;
        }

        if (entry.Pending is not { } pending)
        {
            return entry.Committed ??= new MemberPoints(catalog);
        }

        own = entry.Own = entry.Committed?.Clone() ?? new MemberPoints(catalog);
        foreach (var e in pending)
        {
            own.Apply(e);
        }

        entry.Pending = null;
        return own;
    }

    public void Observe(CommunityEvent communityEvent)
    {
        if (communityEvent is not (PointsLedgerEvent or PointsWithheld or PointsWithheldCancelled or PointsExpiring))
        {
            return;
        }

        var entry = EntryOf(communityEvent.Member);
        if (entry.Own is { } own)
        {
            own.Apply(communityEvent);
        }
        else
        {
            (entry.Pending ??= []).Add(communityEvent);
        }
    }

    private Entry EntryOf(MemberId member)
    {
        foreach (var entry in _members)
        {
            if (entry.Member == member)
            {
                return entry;
            }
        }

        var added = new Entry(member, committed.Find(members.IndexOf(member)));
        _members.Add(added);
        return added;
    }

    private sealed class Entry(MemberId member, MemberPoints? committed)
    {
        public MemberId Member { get; } = member;

        /// <summary>The committed state, read only (or an empty state for a member with none).</summary>
        public MemberPoints? Committed { get; set; } = committed;

        /// <summary>This unit of work's copy, once a read needed one.</summary>
        public MemberPoints? Own { get; set; }

        /// <summary>Events emitted for the member not folded into a copy yet.</summary>
        public List<CommunityEvent>? Pending { get; set; }
    }
}
