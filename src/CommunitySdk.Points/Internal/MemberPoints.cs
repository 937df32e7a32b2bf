namespace CommunitySdk.Points.Internal;

/// <summary>
/// What is left of one award entry in a currency with pending days or expiry (spending, deductions, reversals and
/// expiry draw from lots). Currencies without either keep no lots: their available balance is their total.
/// </summary>
internal struct Lot
{
    public long ActivityId;
    public int Index;
    public int Currency;
    public decimal Remaining;
    public DateTimeOffset AwardedAt;
    public DateTimeOffset? AvailableAt;
    public DateTimeOffset? ExpiresAt;
    public bool Noticed;

    public readonly bool IsPending(DateTimeOffset now) => AvailableAt is { } at && at > now;

    public readonly bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    public readonly bool Is(long activityId, int index) => ActivityId == activityId && Index == index;
}

/// <summary>Room of one cap used in one period (a day or a week), kept while the period is within the re-credit window.</summary>
internal struct CapCounter
{
    public int Scope;
    public DateOnly Period;
    public decimal Used;
}

/// <summary>An amount a cap withheld from a rule's award, waiting for cap room a reversal may free (within the re-credit window).</summary>
internal sealed record WithheldRecord(long ActivityId, int Index, string Currency, string RuleId, string SourceKey, decimal Remaining, IReadOnlyList<CapUse> Caps, DateTimeOffset At);

/// <summary>
/// One member's points, bounded by what the rules need (not by history): totals per currency, open lots of pending
/// or expiring currencies, cap counters and withheld amounts of the re-credit window, first-time rules
/// fired. <see cref="Apply"/> is the one fold of points events, used by the projection and by a unit of work's working
/// copy alike. History (the ledger) is read from the log.
/// </summary>
internal sealed class MemberPoints
{
    private readonly PointsCatalog _catalog;

    public MemberPoints(PointsCatalog catalog)
    {
        _catalog = catalog;
        Totals = new decimal[catalog.CurrencyOrder.Count];
    }

    private MemberPoints(MemberPoints source)
    {
        _catalog = source._catalog;
        Totals = (decimal[])source.Totals.Clone();
        Caps = source.Caps is null ? null : [.. source.Caps];
        RulesFired = source.RulesFired;

        // Lots and withheld amounts are shared until the copy changes them (most activities never do).
        Lots = source.Lots;
        Withheld = source.Withheld;
        LotsInOrder = source.LotsInOrder;
        _sharesLots = _sharesWithheld = true;
    }

    private bool _sharesLots;
    private bool _sharesWithheld;
    private List<Lot>? _lots;
    private List<WithheldRecord>? _withheld;

    // A copy folds events into its totals, caps and fired rules at once, and into its lots and withheld amounts
    // (which it shares with the committed state) only when something reads them.
    private List<CommunityEvent>? _deferred;

    public decimal[] Totals { get; private set; }

    /// <summary>Open lots (read only outside this class: a copy may share them with the committed state).</summary>
    public List<Lot>? Lots
    {
        get
        {
            Settle();
            return _lots;
        }

        private set => _lots = value;
    }

    public List<CapCounter>? Caps { get; private set; }

    /// <summary>
    /// Whether each currency's lots are in drawing order: by expiry, by availability and by award alike (lots are
    /// appended as awarded, and expiry and pending days grow with the award time, so this holds unless an activity
    /// was back-dated). A draw then stops at the first lots it needs.
    /// </summary>
    public bool LotsInOrder { get; private set; } = true;

    /// <summary>Withheld amounts (read only outside this class, like <see cref="Lots"/>).</summary>
    public List<WithheldRecord>? Withheld
    {
        get
        {
            Settle();
            return _withheld;
        }

        private set => _withheld = value;
    }

    /// <summary>First-time rules fired, one bit per rule index.</summary>
    public ulong RulesFired { get; set; }

    public decimal Total(int currency) => Totals[currency];

    public bool HasFired(int rule) => (RulesFired & (1UL << rule)) != 0;

    public decimal CapUsed(int scope, DateOnly period)
    {
        if (Caps is { } caps)
        {
            foreach (var cap in caps)
            {
                if (cap.Scope == scope && cap.Period == period)
                {
                    return cap.Used;
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// A copy a unit of work may change: totals and cap counters are copied; lots and withheld amounts are shared
    /// until the copy reads them after a change.
    /// </summary>
    public MemberPoints Clone() => new(this);

    /// <summary>Folds one points event (the one fold of the projection and of a unit of work's copy).</summary>
    public void Apply(CommunityEvent communityEvent)
    {
        ApplyScalars(communityEvent);
        if (_sharesLots || _sharesWithheld)
        {
            (_deferred ??= []).Add(communityEvent);
        }
        else
        {
            ApplyLists(communityEvent);
        }
    }

    private void Settle()
    {
        if (_deferred is not { } deferred)
        {
            return;
        }

        _deferred = null;
        foreach (var e in deferred)
        {
            ApplyLists(e);
        }
    }

    /// <summary>Totals, cap counters and first-time rules.</summary>
    private void ApplyScalars(CommunityEvent communityEvent)
    {
        switch (communityEvent)
        {
            case PointsAwarded a:
                Totals[_catalog.CurrencyIndex(a.Currency)] += a.Amount;
                foreach (var use in a.CapUses)
                {
                    AddCap(use.Scope, use.Period, use.Amount);
                }

                if (a.RuleId is not null && _catalog.FirstTimeRuleIndex(a.RuleId) is var rule and >= 0)
                {
                    RulesFired |= 1UL << rule;
                }

                break;
            case PointsWithheld w:
                if (_catalog.FirstTimeRuleIndex(w.RuleId) is var fired and >= 0)
                {
                    RulesFired |= 1UL << fired;
                }

                break;
            case PointsReversed r:
                Totals[_catalog.CurrencyIndex(r.Currency)] += r.Amount;
                foreach (var freed in r.CapsFreed)
                {
                    AddCap(freed.Scope, freed.Period, -freed.Amount);
                }

                break;
            case PointsLedgerEvent ledger: // spent, deducted, expired
                Totals[_catalog.CurrencyIndex(ledger.Currency)] += ledger.Amount;
                break;
        }
    }

    /// <summary>Lots and withheld amounts.</summary>
    private void ApplyLists(CommunityEvent communityEvent)
    {
        switch (communityEvent)
        {
            case PointsAwarded a:
                var currency = _catalog.CurrencyIndex(a.Currency);
                if (_catalog.HasLots(currency))
                {
                    AddLot(new Lot
                    {
                        ActivityId = a.ActivityId,
                        Index = a.Index,
                        Currency = currency,
                        Remaining = a.Amount,
                        AwardedAt = a.OccurredAt,
                        AvailableAt = a.AvailableAt,
                        ExpiresAt = a.ExpiresAt,
                    });
                }

                if (a.Withheld > 0 && Keeps(a.Currency, a.CapUses, a.OccurredAt))
                {
                    OwnWithheld().Add(new WithheldRecord(a.ActivityId, a.Index, a.Currency, a.RuleId!, a.SourceKey, a.Withheld, a.CapUses.Select(u => u with { Amount = 0 }).ToArray(), a.OccurredAt));
                }

                if (a.RecreditOfActivityId is { } id && a.RecreditOfIndex is { } index)
                {
                    var w = FindWithheld(id, index);
                    if (w >= 0)
                    {
                        var withheld = OwnWithheld();
                        var left = withheld[w].Remaining - a.Amount;
                        if (left > 0)
                        {
                            withheld[w] = withheld[w] with { Remaining = left };
                        }
                        else
                        {
                            withheld.RemoveAt(w);
                        }
                    }
                }

                break;

            case PointsWithheld w:
                if (Keeps(w.Currency, w.Caps, w.OccurredAt))
                {
                    OwnWithheld().Add(new WithheldRecord(w.ActivityId, w.Index, w.Currency, w.RuleId, w.SourceKey, w.Amount, w.Caps, w.OccurredAt));
                }

                break;

            case PointsWithheldCancelled c:
                RemoveWithheld(c.WithheldActivityId, c.WithheldIndex);
                break;

            case PointsReversed r:
                Draw(r.Draws);
                RemoveWithheld(r.ReversedActivityId, r.ReversedIndex);
                break;

            case PointsSpent s:
                Draw(s.Draws);
                break;

            case PointsDeducted d:
                Draw(d.Draws);
                break;

            case PointsExpired x:
                Draw(x.Draws);
                break;

            case PointsExpiring n:
                var lot = _lots is null ? -1 : FindLot(n.LotActivityId, n.LotIndex);
                if (lot >= 0)
                {
                    var lots = OwnLots();
                    var noticed = lots[lot];
                    noticed.Noticed = true;
                    lots[lot] = noticed;
                }

                break;
        }
    }

    /// <summary>
    /// Forgets cap counters and withheld amounts older than the re-credit window. Both are appended in time order, so
    /// the first entry tells whether anything is due: the check is O(1) and the removal runs once per period.
    /// </summary>
    public void Prune(DateOnly oldestPeriod, DateTimeOffset oldestTime)
    {
        if (Caps is { Count: > 0 } caps && caps[0].Period < oldestPeriod)
        {
            RemoveCapsBefore(caps, oldestPeriod);
        }

        // A day of slack: time is continuous, so without it the oldest record would age out on nearly every event.
        if (Withheld is { Count: > 0 } withheld && withheld[0].At < oldestTime.AddDays(-1))
        {
            RemoveWithheldBefore(OwnWithheld(), oldestTime);
        }

        Caps = Caps is { Count: 0 } ? null : Caps;
        Withheld = Withheld is { Count: 0 } ? null : Withheld;
    }

    public void Write(Projections.SnapshotWriter writer)
    {
        foreach (var total in Totals)
        {
            writer.Write(total);
        }

        writer.Write(RulesFired);
        writer.Write(Lots?.Count ?? 0);
        foreach (var lot in Lots ?? [])
        {
            writer.Write(lot.ActivityId);
            writer.Write(lot.Index);
            writer.Write(lot.Currency);
            writer.Write(lot.Remaining);
            writer.Write(lot.AwardedAt);
            writer.Write(lot.AvailableAt);
            writer.Write(lot.ExpiresAt);
            writer.Write(lot.Noticed);
        }

        writer.Write(Caps?.Count ?? 0);
        foreach (var cap in Caps ?? [])
        {
            writer.Write(cap.Scope);
            writer.Write(cap.Period);
            writer.Write(cap.Used);
        }

        writer.Write(Withheld?.Count ?? 0);
        foreach (var w in Withheld ?? [])
        {
            writer.Write(w.ActivityId);
            writer.Write(w.Index);
            writer.Write(w.Currency);
            writer.Write(w.RuleId);
            writer.Write(w.SourceKey);
            writer.Write(w.Remaining);
            writer.Write(w.At);
            writer.Write(w.Caps.Count);
            foreach (var cap in w.Caps)
            {
                writer.Write(cap.Scope);
                writer.Write(cap.Period);
                writer.Write(cap.Amount);
            }
        }
    }

    public static MemberPoints Read(PointsCatalog catalog, Projections.SnapshotReader reader)
    {
        var member = new MemberPoints(catalog);
        for (var c = 0; c < member.Totals.Length; c++)
        {
            member.Totals[c] = reader.ReadDecimal();
        }

        member.RulesFired = reader.ReadUInt64();
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            member.AddLot(new Lot
            {
                ActivityId = reader.ReadInt64(),
                Index = reader.ReadInt32(),
                Currency = reader.ReadInt32(),
                Remaining = reader.ReadDecimal(),
                AwardedAt = reader.ReadDateTimeOffset(),
                AvailableAt = reader.ReadNullableDateTimeOffset(),
                ExpiresAt = reader.ReadNullableDateTimeOffset(),
                Noticed = reader.ReadBoolean(),
            });
        }

        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            (member.Caps ??= []).Add(new CapCounter { Scope = reader.ReadInt32(), Period = reader.ReadDateOnly(), Used = reader.ReadDecimal() });
        }

        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            var (activityId, index, currency, rule, source, remaining, at) = (reader.ReadInt64(), reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadDecimal(), reader.ReadDateTimeOffset());
            var caps = new CapUse[reader.ReadInt32()];
            for (var i = 0; i < caps.Length; i++)
            {
                caps[i] = new CapUse(reader.ReadString(), reader.ReadDateOnly(), reader.ReadDecimal());
            }

            member.OwnWithheld().Add(new WithheldRecord(activityId, index, currency, rule, source, remaining, caps, at));
        }

        return member;
    }

    /// <summary>
    /// Whether a withheld amount is kept for re-credit: at most <see cref="PointsOptions.MaxWithheldPerPeriod"/> per
    /// currency and cap period (its first cap; the records of the same rule share all their caps). Only the last 8
    /// days of records can share a daily or weekly period, and they are at the end of the list.
    /// </summary>
    private bool Keeps(string currency, IReadOnlyList<CapUse> caps, DateTimeOffset at)
    {
        var max = _catalog.Options.MaxWithheldPerPeriod;
        if (caps.Count == 0 || _withheld is not { } withheld)
        {
            return max > 0;
        }

        var (scope, period) = (caps[0].Scope, caps[0].Period);
        var kept = 0;
        for (var i = withheld.Count - 1; i >= 0 && withheld[i].At > at.AddDays(-8) && kept < max; i--)
        {
            var w = withheld[i];
            if (w.Caps.Count > 0 && w.Caps[0].Scope == scope && w.Currency == currency)
            {
                if (w.Caps[0].Period < period)
                {
                    break; // the records of one scope are in period order: the earlier periods are behind
                }

                kept += w.Caps[0].Period == period ? 1 : 0;
            }
        }

        return kept < max;
    }

    private void AddLot(Lot lot)
    {
        var lots = OwnLots();
        for (var i = lots.Count - 1; i >= 0 && LotsInOrder; i--)
        {
            var last = lots[i];
            if (last.Currency == lot.Currency)
            {
                LotsInOrder = (last.ExpiresAt ?? DateTimeOffset.MaxValue) <= (lot.ExpiresAt ?? DateTimeOffset.MaxValue)
                    && (last.AvailableAt ?? DateTimeOffset.MinValue) <= (lot.AvailableAt ?? DateTimeOffset.MinValue);
                break;
            }
        }

        lots.Add(lot);
    }

    private int FindLot(long activityId, int index)
    {
        var lots = Lots!;
        for (var i = 0; i < lots.Count; i++)
        {
            if (lots[i].Is(activityId, index))
            {
                return i;
            }
        }

        return -1;
    }

    private List<Lot> OwnLots()
    {
        if (Lots is null)
        {
            _sharesLots = false;
            return Lots = [];
        }

        if (_sharesLots)
        {
            Lots = [.. Lots];
            _sharesLots = false;
        }

        return Lots;
    }

    private List<WithheldRecord> OwnWithheld()
    {
        if (Withheld is null)
        {
            _sharesWithheld = false;
            return Withheld = [];
        }

        if (_sharesWithheld)
        {
            Withheld = [.. Withheld];
            _sharesWithheld = false;
        }

        return Withheld;
    }

    private static void RemoveCapsBefore(List<CapCounter> caps, DateOnly oldest) => caps.RemoveAll(c => c.Period < oldest);

    private static void RemoveWithheldBefore(List<WithheldRecord> withheld, DateTimeOffset oldest) => withheld.RemoveAll(w => w.At < oldest);

    private int FindWithheld(long activityId, int index)
    {
        if (_withheld is { } withheld)
        {
            for (var i = 0; i < withheld.Count; i++)
            {
                if (withheld[i].ActivityId == activityId && withheld[i].Index == index)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private void RemoveWithheld(long activityId, int index)
    {
        if (FindWithheld(activityId, index) is var at and >= 0)
        {
            OwnWithheld().RemoveAt(at); // (activity, index) is unique
        }
    }

    private void AddCap(string scope, DateOnly period, decimal amount)
    {
        if (_catalog.ScopeIndex(scope) is not (var index and >= 0))
        {
            return; // a cap no longer configured
        }

        var caps = Caps ??= [];
        for (var i = 0; i < caps.Count; i++)
        {
            if (caps[i].Scope == index && caps[i].Period == period)
            {
                var cap = caps[i];
                cap.Used += amount;
                caps[i] = cap;
                return;
            }
        }

        caps.Add(new CapCounter { Scope = index, Period = period, Used = amount });
    }

    private void Draw(IReadOnlyList<LotDraw> draws)
    {
        if (Lots is null)
        {
            return;
        }

        foreach (var draw in draws)
        {
            var i = FindLot(draw.ActivityId, draw.Index);
            if (i < 0)
            {
                continue;
            }

            var lots = OwnLots();
            var lot = lots[i];
            lot.Remaining -= draw.Amount;
            if (lot.Remaining > 0)
            {
                lots[i] = lot;
            }
            else
            {
                lots.RemoveAt(i);
            }
        }

        if (Lots.Count == 0)
        {
            Lots = null;
        }
    }
}
