namespace CommunitySdk.Tests;

/// <summary>The one invite forest of the core (<see cref="CommunityMembers"/>), shared by referrals and scoring.</summary>
public class InviteForestTests
{
    private static MemberId M(string id) => new(id);

    /// <summary>Brute-force answers from a plain parent map.</summary>
    private sealed class Reference(Dictionary<int, int> parent)
    {
        public List<int> Ancestors(int node, int k)
        {
            var result = new List<int>();
            for (var a = parent.GetValueOrDefault(node, -1); a >= 0 && result.Count < k; a = parent.GetValueOrDefault(a, -1))
            {
                result.Add(a);
            }

            return result;
        }

        public int Descendants(int node) => parent.Keys.Count(n => n != node && Ancestors(n, int.MaxValue).Contains(node));
    }

    [Fact]
    public void The_invite_forest_answers_equal_brute_force_on_random_forests_up_to_100k_members()
    {
        foreach (var (size, seed, hubShare) in new[] { (1_000, 1, 0.0), (20_000, 2, 0.3), (100_000, 3, 0.1) })
        {
            var random = new Random(seed);
            var forest = new CommunityMembers(new CommunityId("forest"));
            var parent = new Dictionary<int, int>();
            var children = new Dictionary<int, List<int>>();
            for (var i = 0; i < size; i++)
            {
                forest.Intern(M($"n{i}"));
                // Preferential attachment with one hub, a few roots, and some chain-like growth.
                var inviter = i == 0 || random.NextDouble() < 0.02 ? -1
                    : random.NextDouble() < hubShare ? 0
                    : random.NextDouble() < 0.5 ? i - 1
                    : random.Next(i);
                if (inviter >= 0)
                {
                    Assert.True(forest.SetInviter(forest.Intern(M($"n{i}")), forest.Intern(M($"n{inviter}"))));
                    parent[i] = inviter;
                    (children.TryGetValue(inviter, out var list) ? list : children[inviter] = []).Add(i);
                }
            }

            // Descendant counts by one bottom-up pass over the reference (children always have larger ids).
            var descendants = new int[size];
            for (var i = size - 1; i >= 0; i--)
            {
                if (parent.TryGetValue(i, out var p))
                {
                    descendants[p] += descendants[i] + 1;
                }
            }

            var reference = new Reference(parent);
            for (var probe = 0; probe < 2_000; probe++)
            {
                var node = random.Next(size);
                var index = forest.IndexOf(M($"n{node}"));
                Assert.Equal(descendants[node], forest.Descendants(index));
                Assert.Equal(reference.Ancestors(node, int.MaxValue).Count, forest.Depth(index));
                var k = random.Next(1, 6);
                var above = new int[k];
                Assert.Equal(reference.Ancestors(node, k).Select(a => $"n{a}"), above[..forest.Ancestors(index, above)].Select(a => forest.IdOf(a).Value));
                Assert.Equal(children.GetValueOrDefault(node, []).Select(c => $"n{c}"), forest.Invitees(index, 0, int.MaxValue).Select(c => forest.IdOf(c).Value));
            }

            if (size <= 1_000)
            {
                Assert.All(Enumerable.Range(0, size), n => Assert.Equal(reference.Descendants(n), forest.Descendants(forest.IndexOf(M($"n{n}")))));
            }
        }
    }

    [Fact]
    public void An_inviter_is_set_once_and_never_on_a_member_with_invitees_so_cycles_cannot_be_built()
    {
        var forest = new CommunityMembers(new CommunityId("forest"));
        int Node(string name) => forest.Intern(M(name));
        Assert.True(forest.SetInviter(Node("b"), Node("a")));
        Assert.True(forest.SetInviter(Node("c"), Node("b")));
        Assert.False(forest.SetInviter(Node("b"), Node("c"))); // b already has an inviter
        Assert.False(forest.SetInviter(Node("a"), Node("c"))); // a has invitees: would close a cycle
        Assert.False(forest.SetInviter(Node("d"), Node("d")));
        Assert.Equal(2, forest.Descendants(forest.IndexOf(M("a"))));
        Assert.Equal(2, forest.Depth(forest.IndexOf(M("c"))));
    }
}
