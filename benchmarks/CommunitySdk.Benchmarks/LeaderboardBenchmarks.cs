using BenchmarkDotNet.Attributes;
using CommunitySdk.Scoring;
using CommunitySdk.Scoring.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CommunitySdk.Benchmarks;

/// <summary>
/// Event → score update + leaderboard move, and rank / top-100 / around-me queries: the SDK's in-memory
/// engine against a Redis sorted set (ZINCRBY awaited one by one and pipelined in batches of 1,000;
/// ZREVRANK / ZREVRANGE) and SQLite (prepared UPSERT; COUNT(*) and a window function), same data, same run.
/// All sides add the same forward-decayed increment.
/// </summary>
[MemoryDiagnoser]
public class LeaderboardBenchmarks
{
    private const int Batch = 1000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private CommunityScores _engine = null!;
    private CommunityScores _engineWithNetwork = null!;
    private Dataset _data = null!;
    private ConnectionMultiplexer _redis = null!;
    private IDatabase _db = null!;
    private RedisKey _key;
    private SqliteConnection _sqlite = null!;
    private SqliteCommand _upsert = null!;
    private SqliteCommand _rank = null!;
    private SqliteCommand _top = null!;
    private SqliteCommand _around = null!;
    private double _lambda;
    private int _cursor;
    private int[] _probes = null!;

    [Params(10_000, 1_000_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = BenchmarkSettings.Size(Members);
        _data = Dataset.Create(members, events: BenchmarkSettings.Smoke ? 4096 : 1 << 20);
        _engine = Engine(networkLevels: 0);
        _engineWithNetwork = Engine(networkLevels: 2);
        _lambda = _engine.Model.Lambda;
        var random = new Random(5);
        _probes = Enumerable.Range(0, 4096).Select(_ => random.Next(members)).ToArray();

        // Everyone starts on the board with the same scores on every side.
        var initial = new double[members];
        for (var m = 0; m < members; m++)
        {
            initial[m] = 1 + ((m * 7919) % 1000);
            _engine.Record(m, 0, initial[m], T0);
            _engineWithNetwork.Record(m, 0, initial[m], T0);
        }

        _redis = Peers.Redis();
        _db = _redis.GetDatabase();
        _key = $"bench:leaderboard:{members}";
        _db.KeyDelete(_key);
        for (var from = 0; from < members; from += 10_000)
        {
            var entries = Enumerable.Range(from, Math.Min(10_000, members - from)).Select(m => new SortedSetEntry(m, initial[m])).ToArray();
            _db.SortedSetAdd(_key, entries);
        }

        _sqlite = Peers.Sqlite();
        _sqlite.Execute("CREATE TABLE scores (member INTEGER PRIMARY KEY, score REAL NOT NULL)");
        _sqlite.Execute("CREATE INDEX ix_scores_score ON scores (score DESC, member)");
        using (var tx = _sqlite.BeginTransaction())
        using (var insert = _sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO scores (member, score) VALUES ($m, $s)";
            var pm = insert.Parameters.Add("$m", SqliteType.Integer);
            var ps = insert.Parameters.Add("$s", SqliteType.Real);
            insert.Prepare();
            for (var m = 0; m < members; m++)
            {
                pm.Value = m;
                ps.Value = initial[m];
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        _upsert = Prepare("INSERT INTO scores (member, score) VALUES ($m, $d) ON CONFLICT (member) DO UPDATE SET score = score + excluded.score", "$m", "$d");
        _rank = Prepare("SELECT COUNT(*) FROM scores WHERE score > (SELECT score FROM scores WHERE member = $m)", "$m");
        _top = Prepare("SELECT member, score FROM scores ORDER BY score DESC, member LIMIT 100");
        _around = Prepare("SELECT member, score FROM (SELECT member, score, ROW_NUMBER() OVER (ORDER BY score DESC, member) AS rn FROM scores) WHERE rn BETWEEN $r - 5 AND $r + 5", "$r");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.KeyDelete(_key);
        _redis.Dispose();
        _upsert.Dispose();
        _rank.Dispose();
        _top.Dispose();
        _around.Dispose();
        _sqlite.Dispose();
    }

    // ---- event → score update + leaderboard move ----

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void Update_Sdk()
    {
        for (var i = 0; i < Batch; i++)
        {
            var (member, at) = Next();
            _engine.Record(member, 0, 1.0, at);
        }
    }

    /// <summary>The same, with network value flowing to 2 ancestor levels (3 board moves per event).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Update_Sdk_WithNetwork()
    {
        for (var i = 0; i < Batch; i++)
        {
            var (member, at) = Next();
            _engineWithNetwork.Record(member, 0, 1.0, at);
        }
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public async Task Update_Redis()
    {
        for (var i = 0; i < 100; i++)
        {
            var (member, at) = Next();
            await _db.SortedSetIncrementAsync(_key, member, Increment(at));
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Update_Redis_Pipelined()
    {
        var batch = _db.CreateBatch();
        var pending = new Task<double>[Batch];
        for (var i = 0; i < Batch; i++)
        {
            var (member, at) = Next();
            pending[i] = batch.SortedSetIncrementAsync(_key, member, Increment(at));
        }

        batch.Execute();
        await Task.WhenAll(pending);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Update_Sqlite()
    {
        for (var i = 0; i < Batch; i++)
        {
            var (member, at) = Next();
            _upsert.Parameters[0].Value = member;
            _upsert.Parameters[1].Value = Increment(at);
            _upsert.ExecuteNonQuery();
        }
    }

    // ---- rank of member ----

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Rank_Sdk()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _engine.ScoreBoard.RankOf(Probe());
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public async Task<long> Rank_Redis()
    {
        long sum = 0;
        for (var i = 0; i < 100; i++)
        {
            sum += await _db.SortedSetRankAsync(_key, Probe(), Order.Descending) ?? 0;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 4)]
    public long Rank_Sqlite()
    {
        long sum = 0;
        for (var i = 0; i < 4; i++)
        {
            _rank.Parameters[0].Value = Probe();
            sum += (long)_rank.ExecuteScalar()!;
        }

        return sum;
    }

    // ---- top 100 ----

    [Benchmark]
    public double Top100_Sdk()
    {
        var sum = 0.0;
        for (var rank = 0; rank < 100; rank++)
        {
            sum += _engine.ScoreBoard.MemberAt(rank, out var score) + score;
        }

        return sum;
    }

    [Benchmark]
    public async Task<int> Top100_Redis() => (await _db.SortedSetRangeByRankWithScoresAsync(_key, 0, 99, Order.Descending)).Length;

    [Benchmark]
    public int Top100_Sqlite()
    {
        using var reader = _top.ExecuteReader();
        var n = 0;
        while (reader.Read())
        {
            n += reader.GetInt32(0) >= 0 ? 1 : 0;
        }

        return n;
    }

    // ---- members around me (±5) ----

    [Benchmark(OperationsPerInvoke = 100)]
    public double Around_Sdk()
    {
        var sum = 0.0;
        for (var i = 0; i < 100; i++)
        {
            var board = _engine.ScoreBoard;
            var rank = board.RankOf(Probe());
            for (var r = Math.Max(0, rank - 5); r <= rank + 5 && r < board.Count; r++)
            {
                sum += board.MemberAt(r, out var score) + score;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public async Task<int> Around_Redis()
    {
        var n = 0;
        for (var i = 0; i < 100; i++)
        {
            var rank = await _db.SortedSetRankAsync(_key, Probe(), Order.Descending) ?? 0;
            n += (await _db.SortedSetRangeByRankWithScoresAsync(_key, Math.Max(0, rank - 5), rank + 5, Order.Descending)).Length;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 2)]
    public int Around_Sqlite()
    {
        var n = 0;
        for (var i = 0; i < 2; i++)
        {
            _rank.Parameters[0].Value = Probe();
            var rank = (long)_rank.ExecuteScalar()! + 1;
            _around.Parameters[0].Value = rank;
            using var reader = _around.ExecuteReader();
            while (reader.Read())
            {
                n++;
            }
        }

        return n;
    }

    private CommunityScores Engine(int networkLevels)
    {
        var options = new ScoringOptions { NetworkLevels = networkLevels, CohortSize = 100 };
        var members = new CommunityMembers(new CommunityId("bench"));
        members.InternType("activity");
        for (var m = 0; m < _data.Members; m++)
        {
            members.Intern(new MemberId($"m{m}"));
            if (_data.Parent[m] >= 0)
            {
                members.SetInviter(m, _data.Parent[m]);
            }
        }

        var engine = new CommunityScores(new ScoringModel(Options.Create(options), new CommunitySdk.Internal.CommandActivityTypes([])), members, T0);
        engine.InitializeDefaults();
        engine.EnsureCapacity(members.Count);
        return engine;
    }

    private (int Member, DateTimeOffset At) Next()
    {
        var i = _cursor++;
        return (_data.Stream[i & (_data.Stream.Length - 1)], T0.AddSeconds(i));
    }

    private int Probe() => _probes[_cursor++ & 4095];

    private double Increment(DateTimeOffset at) => Math.Exp(_lambda * (at - T0).TotalSeconds);

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _sqlite.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter, parameter == "$d" ? SqliteType.Real : SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }
}
