using System.Globalization;
using CommunitySdk.Storage;

namespace CommunitySdk.Points.Internal;

internal sealed class PointsService(
    ICommunity community,
    PointsCatalog catalog,
    PointsProjection projection,
    PointsEngine engine,
    ICommunityStore store,
    TimeProvider time) : IPointsService
{
    public ValueTask<ActivityOutcome> AwardAsync(CommunityId communityId, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CommandAsync(PointsActivityTypes.Award, communityId, member, currency, amount, reason, idempotencyKey, cancellationToken);

    public ValueTask<ActivityOutcome> DeductAsync(CommunityId communityId, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        CommandAsync(PointsActivityTypes.Deduct, communityId, member, currency, amount, reason, idempotencyKey, cancellationToken);

    public ValueTask<ActivityOutcome> SpendAsync(CommunityId communityId, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (!catalog.Currency(currency).Spendable)
        {
            throw new CommunityValidationException("currency", $"'{currency}' is not spendable");
        }

        return CommandAsync(PointsActivityTypes.Spend, communityId, member, currency, amount, reason, idempotencyKey, cancellationToken);
    }

    public ValueTask<ActivityOutcome> ReverseAsync(CommunityId communityId, MemberId member, string sourceIdempotencyKey, string reason, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(sourceIdempotencyKey))
        {
            throw new CommunityValidationException("source", "is required");
        }

        PointsEngine.RequireReason(reason);
        return community.RecordCommandAsync(
            communityId,
            member,
            CommunityActivityTypes.Reverse,
            idempotencyKey,
            cancellationToken,
            (CommunityActivityTypes.SourceAttribute, sourceIdempotencyKey),
            (CommunityActivityTypes.ReasonAttribute, reason));
    }

    public async ValueTask<int> SweepExpiryAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await projection.ReadAsync(
            communityId,
            (p, members) => p.WithPoints().Where(m => engine.HasExpiryWork(p.Find(m)!, now)).Select(members.IdOf).ToArray(),
            cancellationToken).ConfigureAwait(false);
        var written = 0;
        foreach (var member in due)
        {
            var outcome = await community.RecordAsync(
                new Activity
                {
                    IdempotencyKey = string.Create(CultureInfo.InvariantCulture, $"{PointsActivityTypes.Expire}:{member}:{now.UtcTicks}"),
                    Community = communityId,
                    Member = member,
                    Type = PointsActivityTypes.Expire,
                    OccurredAt = now,
                },
                cancellationToken).ConfigureAwait(false);
            written += !outcome.IsDuplicate && outcome.Effects.Count > 0 ? 1 : 0;
        }

        return written;
    }

    public async ValueTask<PointsBalance> GetBalanceAsync(CommunityId communityId, MemberId member, string currency, CancellationToken cancellationToken = default)
    {
        var definition = catalog.Currency(currency);
        var now = time.GetUtcNow();
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync(communityId, (p, members) => Balance(p.Find(members.IndexOf(member)), catalog.CurrencyIndex(definition.Name), now, culture), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<PointsBalance>> GetBalancesAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var culture = CultureInfo.CurrentUICulture;
        return await projection.ReadAsync<IReadOnlyList<PointsBalance>>(
            communityId,
            (p, members) =>
            {
                var state = p.Find(members.IndexOf(member));
                var balances = new PointsBalance[catalog.CurrencyOrder.Count];
                for (var c = 0; c < balances.Length; c++)
                {
                    balances[c] = Balance(state, c, now, culture);
                }

                return balances;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ledger is the log: a page of history reads the member's activities (and those that affected them) newest first.</summary>
    public async ValueTask<LedgerPage> GetHistoryAsync(CommunityId communityId, MemberId member, LedgerPageRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new LedgerPageRequest();
        if (request.PageSize is < 1 or > ActivityPageRequest.MaxPageSize)
        {
            throw new CommunityValidationException("request.pageSize", $"must be between 1 and {ActivityPageRequest.MaxPageSize}");
        }

        if (request.Currency is not null)
        {
            catalog.Currency(request.Currency, "request.currency");
        }

        var items = new List<LedgerEntry>(request.PageSize + 1);
        var before = request.Before;
        await foreach (var activity in HistoryAsync(communityId, member, before?.ActivityId + 1, cancellationToken).ConfigureAwait(false))
        {
            for (var i = activity.Events.Count - 1; i >= 0; i--)
            {
                if (activity.Events[i] is not PointsLedgerEvent ledger || ledger.Member != member
                    || (request.Currency is not null && ledger.Currency != request.Currency)
                    || (before is { } b && (ledger.ActivityId, ledger.Index).CompareTo((b.ActivityId, b.Index)) >= 0))
                {
                    continue;
                }

                items.Add(new LedgerEntry(ledger.ActivityId, ledger.Index, ledger.Currency, ledger.Amount, KindOf(ledger), ledger.Reason, ledger.OccurredAt, (ledger as PointsAwarded)?.ExpiresAt));
            }

            if (items.Count > request.PageSize)
            {
                break;
            }
        }

        var more = items.Count > request.PageSize;
        if (more)
        {
            items.RemoveRange(request.PageSize, items.Count - request.PageSize);
        }

        return new LedgerPage(items, more ? request with { Before = new LedgerCursor(items[^1].ActivityId, items[^1].Index) } : null);
    }

    public async ValueTask<IReadOnlyList<ExpiringLot>> GetUpcomingExpiriesAsync(CommunityId communityId, MemberId member, string currency, CancellationToken cancellationToken = default)
    {
        var index = catalog.CurrencyIndex(catalog.Currency(currency).Name);
        var now = time.GetUtcNow();
        return await projection.ReadAsync<IReadOnlyList<ExpiringLot>>(
            communityId,
            (p, members) => (p.Find(members.IndexOf(member))?.Lots ?? [])
                .Where(l => l.Currency == index && l.ExpiresAt is { } at && at > now)
                .OrderBy(l => l.ExpiresAt).ThenBy(l => l.ActivityId)
                .Select(l => new ExpiringLot(currency, l.Remaining, l.ExpiresAt!.Value, l.AwardedAt))
                .ToArray(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Awards counted in the window minus reversals of them, read from the member's log back to the window's start.</summary>
    public async ValueTask<decimal> GetEarnedAsync(CommunityId communityId, MemberId member, string currency, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken = default)
    {
        var definition = catalog.Currency(currency);
        if (windowEnd < windowStart)
        {
            throw new CommunityValidationException("windowEnd", "must not be before windowStart");
        }

        var earned = 0m;
        await foreach (var activity in HistoryAsync(communityId, member, null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in activity.Events)
            {
                if (e is not PointsLedgerEvent ledger || ledger.Member != member || ledger.Currency != definition.Name)
                {
                    continue;
                }

                var (at, amount) = ledger switch
                {
                    PointsAwarded a => (a.CountsAt ?? a.OccurredAt, a.Amount),
                    PointsReversed r => (r.AwardCountedAt ?? r.OccurredAt, r.Amount - r.Unrecovered), // the whole award stops counting as earned
                    _ => (default, 0m),
                };
                if (amount != 0 && at >= windowStart && at < windowEnd)
                {
                    earned += amount;
                }
            }

            // Newest first: an award counted in the window is recorded after the window starts (a day allows for clock skew
            // and late arrivals), and a reversal after its award, so nothing older can count.
            if (activity.RecordedAt < windowStart.AddDays(-1))
            {
                break;
            }
        }

        return earned;
    }

    private async IAsyncEnumerable<CommittedActivity> HistoryAsync(CommunityId communityId, MemberId member, long? before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ActivityPageRequest? page = new(ActivityPageRequest.MaxPageSize, before);
        await projection.ReadAsync(communityId, static (_, _) => 0, cancellationToken).ConfigureAwait(false); // the community exists and is readable
        while (page is not null)
        {
            var result = await store.GetMemberActivitiesAsync(communityId, member, page, cancellationToken).ConfigureAwait(false);
            foreach (var activity in result.Items)
            {
                yield return activity;
            }

            page = result.Next;
        }
    }

    private PointsBalance Balance(MemberPoints? state, int currency, DateTimeOffset now, CultureInfo culture)
    {
        var name = catalog.CurrencyOrder[currency];
        var displayName = catalog.DisplayName(currency, culture);
        if (state is null)
        {
            return new PointsBalance(name, 0, 0, 0) { CurrencyDisplayName = displayName };
        }

        var total = state.Total(currency);
        if (!catalog.HasLots(currency))
        {
            return new PointsBalance(name, total, Math.Max(total, 0), 0) { CurrencyDisplayName = displayName };
        }

        decimal available = 0, pending = 0;
        foreach (var lot in state.Lots ?? [])
        {
            if (lot.Currency != currency || lot.IsExpired(now))
            {
                continue;
            }

            if (lot.IsPending(now))
            {
                pending += lot.Remaining;
            }
            else
            {
                available += lot.Remaining;
            }
        }

        return new PointsBalance(name, total, available, pending) { CurrencyDisplayName = displayName };
    }

    private static string KindOf(PointsLedgerEvent e) => e switch
    {
        PointsAwarded => "Awarded",
        PointsSpent => "Spent",
        PointsDeducted => "Deducted",
        PointsReversed => "Reversed",
        PointsExpired => "Expired",
        _ => e.GetType().Name,
    };

    private ValueTask<ActivityOutcome> CommandAsync(string type, CommunityId communityId, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken)
    {
        PointsEngine.CheckAmount(amount, catalog.Currency(currency));
        PointsEngine.RequireReason(reason);
        return community.RecordAsync(
            new Activity
            {
                IdempotencyKey = idempotencyKey,
                Community = communityId,
                Member = member,
                Type = type,
                Value = amount,
                Attributes = new Dictionary<string, string>
                {
                    [PointsActivityTypes.CurrencyAttribute] = currency,
                    [PointsActivityTypes.ReasonAttribute] = reason,
                },
            },
            cancellationToken);
    }
}
