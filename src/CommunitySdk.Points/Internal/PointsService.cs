using System.Globalization;

namespace CommunitySdk.Points.Internal;

internal sealed class PointsService(
    ICommunity community,
    PointsCatalog catalog,
    PointsProjection projection,
    PointsEngine engine,
    IProjectionSynchronizer sync,
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
            PointsActivityTypes.Reverse,
            idempotencyKey,
            cancellationToken,
            (PointsActivityTypes.SourceAttribute, sourceIdempotencyKey),
            (PointsActivityTypes.ReasonAttribute, reason));
    }

    public async ValueTask<int> SweepExpiryAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var due = projection.Read(communityId, p => p.Members.Where(m => engine.HasExpiryWork(m.Value, now)).Select(m => m.Key).ToArray(), []);
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
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return projection.Read(communityId, p => Balance(p, member, definition.Name, now), new PointsBalance(definition.Name, 0, 0, 0));
    }

    public async ValueTask<IReadOnlyList<PointsBalance>> GetBalancesAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return catalog.CurrencyOrder
            .Select(c => projection.Read(communityId, p => Balance(p, member, c, now), new PointsBalance(c, 0, 0, 0)))
            .ToArray();
    }

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

        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(
            communityId,
            p =>
            {
                if (!p.History.TryGetValue(member, out var history))
                {
                    return new LedgerPage([], null);
                }

                var items = new List<LedgerEntry>(request.PageSize);
                var more = false;
                for (var i = history.Count - 1; i >= 0; i--)
                {
                    var entry = history[i];
                    if ((request.Currency is not null && entry.Currency != request.Currency)
                        || (request.Before is { } before && (entry.ActivityId, entry.Index).CompareTo((before.ActivityId, before.Index)) >= 0))
                    {
                        continue;
                    }

                    if (items.Count == request.PageSize)
                    {
                        more = true;
                        break;
                    }

                    items.Add(entry);
                }

                return new LedgerPage(items, more ? request with { Before = new LedgerCursor(items[^1].ActivityId, items[^1].Index) } : null);
            },
            new LedgerPage([], null));
    }

    public async ValueTask<IReadOnlyList<ExpiringLot>> GetUpcomingExpiriesAsync(CommunityId communityId, MemberId member, string currency, CancellationToken cancellationToken = default)
    {
        var definition = catalog.Currency(currency);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return projection.Read<IReadOnlyList<ExpiringLot>>(
            communityId,
            p => p.Members.TryGetValue(member, out var m)
                ? m.Lots.Where(l => l.Currency == definition.Name && l.ExpiresAt is { } at && at > now)
                    .OrderBy(l => l.ExpiresAt).ThenBy(l => l.ActivityId)
                    .Select(l => new ExpiringLot(l.Currency, l.Remaining, l.ExpiresAt!.Value, l.AwardedAt))
                    .ToArray()
                : [],
            []);
    }

    public async ValueTask<decimal> GetEarnedAsync(CommunityId communityId, MemberId member, string currency, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken = default)
    {
        var definition = catalog.Currency(currency);
        if (windowEnd < windowStart)
        {
            throw new CommunityValidationException("windowEnd", "must not be before windowStart");
        }

        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read(
            communityId,
            p => p.Earned.TryGetValue(member, out var deltas)
                ? deltas.Where(d => d.Currency == definition.Name && d.At >= windowStart && d.At < windowEnd).Sum(d => d.Amount)
                : 0m,
            0m);
    }

    private static PointsBalance Balance(CommunityPoints points, MemberId member, string currency, DateTimeOffset now)
    {
        if (!points.Members.TryGetValue(member, out var state))
        {
            return new PointsBalance(currency, 0, 0, 0);
        }

        decimal available = 0, pending = 0;
        foreach (var lot in state.Lots)
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

        return new PointsBalance(currency, state.Total(currency), available, pending);
    }

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
