using BenchmarkDotNet.Attributes;
using CommunitySdk.Scoring.Internal;
using Microsoft.Data.Sqlite;
using QuikGraph;
using QuikGraph.Algorithms.Ranking;

namespace CommunitySdk.Benchmarks;

/// <summary>
/// Invite-chain queries: ancestors up to k = 5 and descendant count, SDK forest against SQLite recursive CTEs;
/// and whole-forest influence, SDK's one bottom-up sweep against QuikGraph 2.5.0 PageRank (20 iterations).
/// On a preferential-attachment forest with a hub, and on a chain-heavy variant.
/// </summary>
[MemoryDiagnoser]
public class GraphBenchmarks
{
    private const int K = 5;
    private CommunityMembers _forest = null!;
    private Dataset _data = null!;
    private SqliteConnection _sqlite = null!;
    private SqliteCommand _ancestors = null!;
    private SqliteCommand _descendants = null!;
    private BidirectionalGraph<int, SEdge<int>> _graph = null!;
    private double[] _ones = null!;
    private int[] _probes = null!;
    private int _cursor;

    [Params(10_000, 1_000_000)]
    public int Members { get; set; }

    [Params(false, true)]
    public bool ChainHeavy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = BenchmarkSettings.Size(Members);
        _data = Dataset.Create(members, ChainHeavy, events: 1024);
        _forest = new CommunityMembers(new CommunityId("bench"));
        var ids = Enumerable.Range(0, members).Select(m => new MemberId($"m{m}")).ToArray();
        for (var m = 0; m < members; m++)
        {
            var node = _forest.Intern(ids[m]);
            if (_data.Parent[m] >= 0)
            {
                _forest.SetInviter(node, _forest.Intern(ids[_data.Parent[m]]));
            }
        }

        var random = new Random(11);
        _probes = Enumerable.Range(0, 4096).Select(_ => random.Next(members)).ToArray();
        _ones = Enumerable.Repeat(1.0, members).ToArray();

        _sqlite = Peers.Sqlite();
        _sqlite.Execute("CREATE TABLE edges (member INTEGER PRIMARY KEY, inviter INTEGER)");
        _sqlite.Execute("CREATE INDEX ix_edges_inviter ON edges (inviter)");
        using (var tx = _sqlite.BeginTransaction())
        using (var insert = _sqlite.CreateCommand())
        {
            insert.CommandText = "INSERT INTO edges (member, inviter) VALUES ($m, $i)";
            var pm = insert.Parameters.Add("$m", SqliteType.Integer);
            var pi = insert.Parameters.Add("$i", SqliteType.Integer);
            insert.Prepare();
            for (var m = 0; m < members; m++)
            {
                pm.Value = m;
                pi.Value = _data.Parent[m] >= 0 ? _data.Parent[m] : DBNull.Value;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        _ancestors = _sqlite.CreateCommand();
        _ancestors.CommandText = """
            WITH RECURSIVE up(member, depth) AS (
              SELECT inviter, 1 FROM edges WHERE member = $m AND inviter IS NOT NULL
              UNION ALL
              SELECT e.inviter, up.depth + 1 FROM edges e JOIN up ON e.member = up.member
              WHERE up.depth < 5 AND e.inviter IS NOT NULL)
            SELECT member FROM up
            """;
        _ancestors.Parameters.Add("$m", SqliteType.Integer);
        _ancestors.Prepare();
        _descendants = _sqlite.CreateCommand();
        _descendants.CommandText = """
            WITH RECURSIVE down(member) AS (
              SELECT member FROM edges WHERE inviter = $m
              UNION ALL
              SELECT e.member FROM edges e JOIN down ON e.inviter = down.member)
            SELECT COUNT(*) FROM down
            """;
        _descendants.Parameters.Add("$m", SqliteType.Integer);
        _descendants.Prepare();

        // QuikGraph: invitee → inviter edges, so rank flows up to the people who brought others in.
        _graph = new BidirectionalGraph<int, SEdge<int>>(allowParallelEdges: false, vertexCapacity: members, edgeCapacity: 2); // edgeCapacity is per vertex
        _graph.AddVertexRange(Enumerable.Range(0, members));
        for (var m = 0; m < members; m++)
        {
            if (_data.Parent[m] >= 0)
            {
                _graph.AddEdge(new SEdge<int>(m, _data.Parent[m]));
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ancestors.Dispose();
        _descendants.Dispose();
        _sqlite.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public int Ancestors_Sdk()
    {
        Span<int> into = stackalloc int[K];
        var sum = 0;
        for (var i = 0; i < 1000; i++)
        {
            var node = Probe();
            var count = _forest.Ancestors(node, into);
            for (var a = 0; a < count; a++)
            {
                sum += into[a];
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public long Ancestors_Sqlite()
    {
        long sum = 0;
        for (var i = 0; i < 100; i++)
        {
            _ancestors.Parameters[0].Value = Probe();
            using var reader = _ancestors.ExecuteReader();
            while (reader.Read())
            {
                sum += reader.GetInt64(0);
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public long DescendantCount_Sdk()
    {
        long sum = 0;
        for (var i = 0; i < 1000; i++)
        {
            sum += _forest.Descendants(Probe());
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 10)]
    public long DescendantCount_Sqlite()
    {
        long sum = 0;
        for (var i = 0; i < 10; i++)
        {
            _descendants.Parameters[0].Value = Probe();
            sum += (long)_descendants.ExecuteScalar()!;
        }

        return sum;
    }

    [Benchmark]
    public double Influence_Sdk() => ForestInfluence.Descendants(_data.Parent, _ones, 0.85, int.MaxValue)[0];

    [Benchmark]
    public double PageRank_QuikGraph()
    {
        // QuikGraph 2.5.0 keeps InitializeRanks() private; Compute() runs it (through Initialize()) before iterating.
        var pageRank = new PageRankAlgorithm<int, SEdge<int>>(_graph) { MaxIterations = 20, Tolerance = 0, Damping = 0.85 };
        pageRank.Compute();
        return pageRank.Ranks[0];
    }

    private int Probe() => _probes[_cursor++ & 4095];
}
