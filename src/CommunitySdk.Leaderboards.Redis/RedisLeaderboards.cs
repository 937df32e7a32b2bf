using System.Globalization;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using StackExchange.Redis;

namespace CommunitySdk.Leaderboards.Redis;

/// <summary>
/// Leaderboards in Redis, shared by every app instance: the <see cref="ILeaderboards"/> reads (score board: decayed
/// engagement now; points boards: the window holding <see cref="LeaderboardKey.At"/> or now; segments are not kept in
/// Redis), plus rebuild and apply.
/// </summary>
public interface IRedisLeaderboards : ILeaderboards
{
    /// <summary>Drops the community's boards and refills them from the store's log (the system of record).</summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The number of activities read.</returns>
    Task<long> RebuildAsync(CommunityId community, CancellationToken cancellationToken = default);

    /// <summary>Applies one committed event to the boards; an event already applied (a redelivery) changes nothing.</summary>
    /// <param name="communityEvent">The event.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>Whether the event changed a board.</returns>
    Task<bool> ApplyAsync(CommunityEvent communityEvent, CancellationToken cancellationToken = default);
}

/// <summary>The Redis implementation; one multiplexer per instance.</summary>
internal sealed class RedisLeaderboards : IRedisLeaderboards, IDisposable
{
    // Applies an increment to every board once per event id: SET NX on the event's key guards a redelivery.
    private const string ApplyScript = """
        if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
          for i = 2, #KEYS do
            redis.call('ZINCRBY', KEYS[i], ARGV[3], ARGV[2])
            local ttl = tonumber(ARGV[i + 2])
            if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
          end
          if ARGV[#KEYS + 3] ~= '' then redis.call('SET', ARGV[#KEYS + 3], ARGV[#KEYS + 4], 'EX', ARGV[#KEYS + 5]) end
          return 1
        end
        return 0
        """;

    private readonly RedisLeaderboardOptions _options;
    private readonly ICommunityCalendar _calendar;
    private readonly ICommunityStore _store;
    private readonly TimeProvider _time;
    private readonly Lazy<ConnectionMultiplexer> _redis;
    private readonly string _endpoints;
    private readonly double _lambda;

    /// <summary>The half-life without scoring and without <see cref="RedisLeaderboardOptions.HalfLife"/>.</summary>
    internal static readonly TimeSpan DefaultHalfLife = TimeSpan.FromDays(30);

    /// <summary>Creates the boards.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="calendar">The community calendar (windows are cut in the community's time zone).</param>
    /// <param name="store">The system of record, for rebuilds.</param>
    /// <param name="time">The clock.</param>
    public RedisLeaderboards(RedisLeaderboardOptions options, ICommunityCalendar calendar, ICommunityStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            throw new ArgumentException("RedisLeaderboardOptions.Configuration is required.", nameof(options));
        }

        if (options.HalfLife is { } halfLife && halfLife <= TimeSpan.Zero)
        {
            throw new ArgumentException("RedisLeaderboardOptions.HalfLife must be positive.", nameof(options));
        }

        _options = options;
        _calendar = calendar;
        _store = store;
        _time = time;
        _lambda = Math.Log(2) / (options.HalfLife ?? DefaultHalfLife).TotalSeconds;
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false; // a server down at start is retried in the background, never kept as a failure
        _endpoints = string.Join(", ", configuration.EndPoints); // for messages: never the password
        _redis = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
    }

    /// <summary>
    /// The database while connected. While Redis is unreachable every call fails at once (the multiplexer reconnects in
    /// the background), so an event waits in the outbox for its next attempt instead of holding a request for the
    /// command timeout.
    /// </summary>
    private IDatabase Db
    {
        get
        {
            var connection = _redis.Value;
            if (!connection.IsConnected)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, $"Redis ({_endpoints}) is not connected; the connection is retried in the background.");
            }

            return connection.GetDatabase();
        }
    }

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(CommunityEvent communityEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(communityEvent);
        var c = communityEvent.Community;
        var applied = Key(c, $"applied:{communityEvent.ActivityId}:{communityEvent.Index}");
        switch (communityEvent)
        {
            case ScoreChanged score:
                var stored = score.Weight * Math.Exp(_lambda * (score.OccurredAt - _options.Reference).TotalSeconds);
                return await RunAsync([applied, Key(c, "score")], score.Member, stored, [0], null).ConfigureAwait(false);
            case PointsAwarded award when Counts(award.Currency):
            {
                var periods = Periods(c, award.CountsAt ?? award.OccurredAt); // a re-credit counts in the window whose cap it used
                var remember = string.Join('|', periods.Select(p => p.ToString("O", CultureInfo.InvariantCulture)));
                return await RunAsync(
                    [applied, .. PointsKeys(c, periods)],
                    award.Member,
                    (double)award.Amount,
                    Retentions,
                    (Key(c, $"award:{award.ActivityId}:{award.Index}"), $"{remember}|{award.Amount.ToString(CultureInfo.InvariantCulture)}")).ConfigureAwait(false);
            }

            case PointsReversed { AwardCountedAt: { } countedAt } reversed when Counts(reversed.Currency):
                // The reversal takes the whole award back from the windows the award counted in.
                return await RunAsync([applied, .. PointsKeys(c, Periods(c, countedAt))], reversed.Member, (double)(reversed.Amount - reversed.Unrecovered), Retentions, null).ConfigureAwait(false);

            case PointsReversed reversed when Counts(reversed.Currency):
            {
                // A reversal recorded by an earlier version: the award's windows were remembered with it.
                var original = await Db.StringGetAsync(Key(c, $"award:{reversed.ReversedActivityId}:{reversed.ReversedIndex}")).ConfigureAwait(false);
                if (original.IsNullOrEmpty)
                {
                    return false; // older than the month retention: its windows are gone
                }

                var parts = original.ToString().Split('|');
                var periods = parts[..3].Select(p => DateOnly.ParseExact(p, "O", CultureInfo.InvariantCulture)).ToArray();
                var amount = decimal.Parse(parts[3], CultureInfo.InvariantCulture);
                return await RunAsync([applied, .. PointsKeys(c, periods)], reversed.Member, -(double)amount, Retentions, null).ConfigureAwait(false);
            }

            default:
                return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<LeaderboardEntry>> TopAsync(CommunityId community, LeaderboardKey board, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var entries = await Db.SortedSetRangeByRankWithScoresAsync(BoardKey(community, board), 0, count - 1, Order.Descending).ConfigureAwait(false);
        return Entries(board, entries, 0);
    }

    /// <inheritdoc />
    public async ValueTask<LeaderboardEntry?> RankAsync(CommunityId community, LeaderboardKey board, MemberId member, CancellationToken cancellationToken = default)
    {
        var key = BoardKey(community, board);
        var rank = await Db.SortedSetRankAsync(key, member.Value, Order.Descending).ConfigureAwait(false);
        var score = await Db.SortedSetScoreAsync(key, member.Value).ConfigureAwait(false);
        return rank is { } r && score is { } s ? new LeaderboardEntry((int)r + 1, member, Read(board, s)) : null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<LeaderboardEntry>> AroundAsync(CommunityId community, LeaderboardKey board, MemberId member, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var key = BoardKey(community, board);
        if (await Db.SortedSetRankAsync(key, member.Value, Order.Descending).ConfigureAwait(false) is not { } rank)
        {
            return [];
        }

        var from = Math.Max(0, rank - k);
        var entries = await Db.SortedSetRangeByRankWithScoresAsync(key, from, rank + k, Order.Descending).ConfigureAwait(false);
        return Entries(board, entries, from);
    }

    /// <inheritdoc />
    public async ValueTask<int> SizeAsync(CommunityId community, LeaderboardKey board, CancellationToken cancellationToken = default) =>
        (int)Math.Min(int.MaxValue, await Db.SortedSetLengthAsync(BoardKey(community, board)).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<long> RebuildAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        foreach (var endpoint in _redis.Value.GetEndPoints())
        {
            var server = _redis.Value.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: $"{_options.KeyPrefix}:{community.Value}:*").WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await Db.KeyDeleteAsync(key).ConfigureAwait(false);
            }
        }

        long read = 0;
        await foreach (var committed in _store.ReadLogAsync(community, 0, cancellationToken).ConfigureAwait(false))
        {
            read++;
            foreach (var e in committed.Events)
            {
                await ApplyAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }

        return read;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_redis.IsValueCreated)
        {
            _redis.Value.Dispose();
        }
    }

    private long[] Retentions => [(long)_options.DayRetention.TotalSeconds, (long)_options.WeekRetention.TotalSeconds, (long)_options.MonthRetention.TotalSeconds];

    private bool Counts(string currency) => _options.PointsCurrency is null || string.Equals(_options.PointsCurrency, currency, StringComparison.Ordinal);

    private async Task<bool> RunAsync(RedisKey[] keys, MemberId member, double increment, long[] ttls, (RedisKey Key, string Value)? remember)
    {
        var args = new List<RedisValue> { (long)_options.RedeliveryWindow.TotalSeconds, member.Value, increment };
        args.AddRange(ttls.Select(t => (RedisValue)t));
        args.Add(remember is { } r ? (string)r.Key! : string.Empty);
        args.Add(remember?.Value ?? string.Empty);
        args.Add((long)_options.MonthRetention.TotalSeconds);
        var result = await Db.ScriptEvaluateAsync(ApplyScript, keys, [.. args]).ConfigureAwait(false);
        return (int)result == 1;
    }

    private DateOnly[] Periods(CommunityId community, DateTimeOffset at)
    {
        var day = _calendar.LocalDate(community, at);
        return [day, _calendar.PeriodStart(community, CalendarPeriod.Week, day), _calendar.PeriodStart(community, CalendarPeriod.Month, day)];
    }

    private RedisKey[] PointsKeys(CommunityId c, DateOnly[] periods) =>
        [Key(c, $"points:day:{periods[0]:yyyy-MM-dd}"), Key(c, $"points:week:{periods[1]:yyyy-MM-dd}"), Key(c, $"points:month:{periods[2]:yyyy-MM}")];

    private RedisKey BoardKey(CommunityId community, LeaderboardKey board)
    {
        ArgumentNullException.ThrowIfNull(board);
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (board.Segment is not null)
        {
            throw new CommunityValidationException("board.segment", "segment boards are kept in process (IScoringService), not in Redis");
        }

        if (board.Kind == LeaderboardKind.Score)
        {
            return Key(community, "score");
        }

        var periods = Periods(community, board.At ?? _time.GetUtcNow());
        return PointsKeys(community, periods)[board.Kind switch { LeaderboardKind.PointsDay => 0, LeaderboardKind.PointsWeek => 1, _ => 2 }];
    }

    private RedisKey Key(CommunityId community, string suffix) => $"{_options.KeyPrefix}:{community.Value}:{suffix}";

    private double Read(LeaderboardKey board, double stored) =>
        board.Kind == LeaderboardKind.Score ? stored * Math.Exp(-_lambda * (_time.GetUtcNow() - _options.Reference).TotalSeconds) : stored;

    private LeaderboardEntry[] Entries(LeaderboardKey board, SortedSetEntry[] entries, long firstRank) =>
        entries.Select((e, i) => new LeaderboardEntry((int)(firstRank + i + 1), new MemberId(e.Element.ToString()), Read(board, e.Score))).ToArray();
}
