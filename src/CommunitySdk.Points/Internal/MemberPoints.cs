namespace CommunitySdk.Points.Internal;

/// <summary>A lot: what is left of one award entry. Spending, deductions, reversals and expiry draw from lots.</summary>
internal sealed record Lot(long ActivityId, int Index, string Currency, decimal Remaining, DateTimeOffset AwardedAt, DateTimeOffset? AvailableAt, DateTimeOffset? ExpiresAt, bool Noticed)
{
    public bool IsPending(DateTimeOffset now) => AvailableAt is { } at && at > now;

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;
}

/// <summary>An amount a cap withheld from a rule's award, waiting for cap room to be freed by a reversal.</summary>
internal sealed record WithheldRecord(long ActivityId, int Index, string Currency, string RuleId, string SourceKey, decimal Remaining, IReadOnlyList<CapUse> Caps);

/// <summary>
/// The working state of one member's points: totals, lots, cap usage, withheld amounts, rules fired,
/// reversed entries. <see cref="Apply"/> is the one fold of points events, used by the projection and by
/// the unit of work's working copy alike, so both always agree.
/// </summary>
internal sealed class MemberPoints
{
    public Dictionary<string, decimal> Totals { get; private init; } = new(StringComparer.Ordinal);

    public List<Lot> Lots { get; private init; } = [];

    public Dictionary<(string Scope, DateOnly Period), decimal> CapUsed { get; private init; } = [];

    public List<WithheldRecord> Withheld { get; private init; } = [];

    public HashSet<string> RulesFired { get; private init; } = new(StringComparer.Ordinal);

    public HashSet<(long ActivityId, int Index)> Reversed { get; private init; } = [];

    public decimal Total(string currency) => Totals.GetValueOrDefault(currency);

    public MemberPoints Clone() => new()
    {
        Totals = new(Totals, StringComparer.Ordinal),
        Lots = [.. Lots],
        CapUsed = new(CapUsed),
        Withheld = [.. Withheld],
        RulesFired = new(RulesFired, StringComparer.Ordinal),
        Reversed = [.. Reversed],
    };

    public void Apply(CommunityEvent communityEvent)
    {
        switch (communityEvent)
        {
            case PointsAwarded a:
                AddTotal(a.Currency, a.Amount);
                Lots.Add(new Lot(a.ActivityId, a.Index, a.Currency, a.Amount, a.OccurredAt, a.AvailableAt, a.ExpiresAt, Noticed: false));
                foreach (var use in a.CapUses)
                {
                    CapUsed[(use.Scope, use.Period)] = CapUsed.GetValueOrDefault((use.Scope, use.Period)) + use.Amount;
                }

                if (a.RuleId is not null)
                {
                    RulesFired.Add(a.RuleId);
                }

                if (a.Withheld > 0)
                {
                    Withheld.Add(new WithheldRecord(a.ActivityId, a.Index, a.Currency, a.RuleId!, a.SourceKey, a.Withheld, a.CapUses.Select(u => u with { Amount = 0 }).ToArray()));
                }

                if (a.RecreditOfActivityId is { } id && a.RecreditOfIndex is { } index)
                {
                    var i = Withheld.FindIndex(w => w.ActivityId == id && w.Index == index);
                    if (i >= 0)
                    {
                        var left = Withheld[i].Remaining - a.Amount;
                        if (left > 0)
                        {
                            Withheld[i] = Withheld[i] with { Remaining = left };
                        }
                        else
                        {
                            Withheld.RemoveAt(i);
                        }
                    }
                }

                break;

            case PointsWithheld w:
                RulesFired.Add(w.RuleId);
                Withheld.Add(new WithheldRecord(w.ActivityId, w.Index, w.Currency, w.RuleId, w.SourceKey, w.Amount, w.Caps));
                break;

            case PointsWithheldCancelled c:
                Withheld.RemoveAll(w => w.ActivityId == c.WithheldActivityId && w.Index == c.WithheldIndex);
                break;

            case PointsReversed r:
                AddTotal(r.Currency, r.Amount);
                Draw(r.Draws);
                Reversed.Add((r.ReversedActivityId, r.ReversedIndex));
                Withheld.RemoveAll(w => w.ActivityId == r.ReversedActivityId && w.Index == r.ReversedIndex);
                foreach (var freed in r.CapsFreed)
                {
                    CapUsed[(freed.Scope, freed.Period)] = CapUsed.GetValueOrDefault((freed.Scope, freed.Period)) - freed.Amount;
                }

                break;

            case PointsSpent s:
                AddTotal(s.Currency, s.Amount);
                Draw(s.Draws);
                break;

            case PointsDeducted d:
                AddTotal(d.Currency, d.Amount);
                Draw(d.Draws);
                break;

            case PointsExpired x:
                AddTotal(x.Currency, x.Amount);
                Draw(x.Draws);
                break;

            case PointsExpiring n:
                var lot = Lots.FindIndex(l => l.ActivityId == n.LotActivityId && l.Index == n.LotIndex);
                if (lot >= 0)
                {
                    Lots[lot] = Lots[lot] with { Noticed = true };
                }

                break;
        }
    }

    private void AddTotal(string currency, decimal amount) => Totals[currency] = Totals.GetValueOrDefault(currency) + amount;

    private void Draw(IReadOnlyList<LotDraw> draws)
    {
        foreach (var draw in draws)
        {
            var i = Lots.FindIndex(l => l.ActivityId == draw.ActivityId && l.Index == draw.Index);
            if (i < 0)
            {
                continue;
            }

            var left = Lots[i].Remaining - draw.Amount;
            if (left > 0)
            {
                Lots[i] = Lots[i] with { Remaining = left };
            }
            else
            {
                Lots.RemoveAt(i);
            }
        }
    }
}
