using CommunitySdk.Scoring.Internal;
using QuikGraph;
using QuikGraph.Algorithms.Ranking;

namespace CommunitySdk.Scoring.Tests;

/// <summary>The SDK's whole-forest influence and QuikGraph's PageRank (on invitee → inviter edges) agree on who matters most.</summary>
public class InfluenceVsPageRankTests
{
    [Theory]
    [InlineData(20_000, false)]
    [InlineData(20_000, true)]
    public void Top_members_agree_with_quikgraph_pagerank(int members, bool chainHeavy)
    {
        var random = new Random(31);
        var parent = new int[members];
        var endpoints = new List<int> { 0 };
        parent[0] = -1;
        for (var i = 1; i < members; i++)
        {
            var roll = random.NextDouble();
            parent[i] = roll < 0.02 ? -1 : roll < 0.1 ? 0 : chainHeavy && random.NextDouble() < 0.5 ? i - 1 : endpoints[random.Next(endpoints.Count)];
            if (parent[i] >= 0)
            {
                endpoints.Add(parent[i]);
            }

            endpoints.Add(i);
        }

        var influence = ForestInfluence.Descendants(parent, Enumerable.Repeat(1.0, members).ToArray(), 0.85, int.MaxValue);
        var graph = new BidirectionalGraph<int, SEdge<int>>(false, members, 2); // the last argument is the edge capacity per vertex
        graph.AddVertexRange(Enumerable.Range(0, members));
        for (var m = 0; m < members; m++)
        {
            if (parent[m] >= 0)
            {
                graph.AddEdge(new SEdge<int>(m, parent[m]));
            }
        }

        var pageRank = new PageRankAlgorithm<int, SEdge<int>>(graph) { MaxIterations = 20, Tolerance = 0, Damping = 0.85 };
        pageRank.Compute();

        var ours = Enumerable.Range(0, members).OrderByDescending(m => influence[m]).ThenBy(m => m).Take(10).ToArray();
        var theirs = pageRank.Ranks.OrderByDescending(r => r.Value).ThenBy(r => r.Key).Take(10).Select(r => r.Key).ToArray();
        Assert.Equal(theirs[0], ours[0]);
        Assert.True(ours.Intersect(theirs).Count() >= 7, $"top-10 overlap {ours.Intersect(theirs).Count()}: ours {string.Join(',', ours)} theirs {string.Join(',', theirs)}");
    }
}
