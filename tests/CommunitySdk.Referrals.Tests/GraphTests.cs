using CommunitySdk.Referrals.Internal;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Referrals.Tests.Fixture;

namespace CommunitySdk.Referrals.Tests;

public class GraphTests
{
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
    public void Forest_answers_equal_brute_force_on_random_forests_up_to_100k_members()
    {
        foreach (var (size, seed, hubShare) in new[] { (1_000, 1, 0.0), (20_000, 2, 0.3), (100_000, 3, 0.1) })
        {
            var random = new Random(seed);
            var forest = new InviteForest();
            var parent = new Dictionary<int, int>();
            var children = new Dictionary<int, List<int>>();
            for (var i = 0; i < size; i++)
            {
                forest.Add(M($"n{i}"));
                // Preferential attachment with one hub, a few roots, and some chain-like growth.
                var inviter = i == 0 || random.NextDouble() < 0.02 ? -1
                    : random.NextDouble() < hubShare ? 0
                    : random.NextDouble() < 0.5 ? i - 1
                    : random.Next(i);
                if (inviter >= 0)
                {
                    forest.SetInviter(M($"n{i}"), M($"n{inviter}"));
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
                Assert.Equal(reference.Ancestors(node, k).Select(a => $"n{a}"), forest.Ancestors(index, k).Select(m => m.Value));
                Assert.Equal(children.GetValueOrDefault(node, []).Select(c => $"n{c}"), forest.Children(index).Select(c => forest.IdOf(c).Value));
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
        var forest = new InviteForest();
        forest.SetInviter(M("b"), M("a"));
        forest.SetInviter(M("c"), M("b"));
        Assert.Throws<InvalidOperationException>(() => forest.SetInviter(M("b"), M("c"))); // b already has an inviter
        Assert.Throws<InvalidOperationException>(() => forest.SetInviter(M("a"), M("c"))); // a has invitees: would close a cycle
        Assert.Throws<InvalidOperationException>(() => forest.SetInviter(M("d"), M("d")));
        Assert.Equal(2, forest.Descendants(forest.IndexOf(M("a"))));
    }

    /// <summary>Random joins through the public API keep the forest a forest: depths, counts and paths agree.</summary>
    [Property(MaxTest = 40)]
    public void Random_joins_keep_forest_invariants(byte[] choices) => RunAsync(choices).GetAwaiter().GetResult();

    private static async Task RunAsync(byte[] choices)
    {
        await using var host = Host(points: false);
        var members = new List<string>();
        var inviterOf = new Dictionary<string, string?>();
        foreach (var choice in choices.Take(60))
        {
            var name = $"m{members.Count}";
            string? inviter = members.Count > 0 && choice % 4 != 0 ? members[choice % members.Count] : null;
            var code = inviter is null ? null : (await host.Referrals().GetOrCreateCodeAsync(Shop, M(inviter))).Code;
            await host.Join(name, code);
            members.Add(name);
            inviterOf[name] = inviter;
        }

        var graph = host.Graph();
        foreach (var member in members)
        {
            var path = new List<string>();
            for (var a = inviterOf[member]; a is not null; a = inviterOf[a])
            {
                path.Add(a);
                Assert.True(path.Count <= members.Count, "cycle");
            }

            Assert.Equal(path, (await graph.GetPathToRootAsync(Shop, M(member))).Select(m => m.Value));
            Assert.Equal(path.Count, await graph.GetDepthAsync(Shop, M(member)));
            Assert.Equal(inviterOf[member], (await graph.GetInviterAsync(Shop, M(member)))?.Value);
            var descendants = members.Count(other => other != member && Chain(other).Contains(member));
            Assert.Equal(descendants, await graph.GetDescendantCountAsync(Shop, M(member)));
        }

        List<string> Chain(string m)
        {
            var chain = new List<string>();
            for (var a = inviterOf[m]; a is not null; a = inviterOf[a])
            {
                chain.Add(a);
            }

            return chain;
        }
    }

    [Fact]
    public async Task Graph_queries_page_invitees_and_rank_top_inviters_by_qualified_invitees()
    {
        await using var host = Host();
        var alice = await host.CodeOf("alice");
        var bob = await host.CodeOf("bob");
        for (var i = 0; i < 5; i++)
        {
            await host.Join($"a{i}", alice);
        }

        await host.Join("b0", bob);
        await host.Join("b1", bob);
        foreach (var qualifier in new[] { "a0", "b0", "b1" })
        {
            await host.Order(qualifier, 100);
        }

        Assert.Equal(["a2", "a3"], (await host.Graph().GetInviteesAsync(Shop, M("alice"), skip: 2, take: 2)).Select(m => m.Value));
        Assert.Equal([("bob", 2), ("alice", 1)], (await host.Graph().GetTopInvitersAsync(Shop, 10)).Select(t => (t.Inviter.Value, t.Qualified)));
        Assert.Equal([M("alice")], await host.Graph().GetAncestorsAsync(Shop, M("a4"), 3));
        Assert.Equal(-1, await host.Graph().GetDepthAsync(Shop, M("nobody")));
        Assert.Equal("levels", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Graph().GetAncestorsAsync(Shop, M("a4"), 0).AsTask())).Field);
    }

    [Fact]
    public async Task Replay_rebuilds_referrals_codes_and_the_forest_equal_to_live()
    {
        await using var host = Host(r => r.MaxRewardLevels(2));
        var random = new Random(5);
        var members = new List<string> { "root" };
        await host.CodeOf("root");
        for (var i = 0; i < 120; i++)
        {
            var inviter = members[random.Next(members.Count)];
            var code = (await host.Referrals().GetOrCreateCodeAsync(Shop, M(inviter))).Code;
            await host.Join($"m{i}", code, fingerprint: $"fp{random.Next(40)}");
            members.Add($"m{i}");
            if (random.NextDouble() < 0.6)
            {
                await host.Order($"m{i}", random.Next(5, 300), $"o{i}");
            }

            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(1, 600)));
        }

        async Task<string> Snapshot()
        {
            var lines = new List<string>();
            foreach (var member in members)
            {
                lines.Add($"{member} {await host.Referrals().GetReferralAsync(Shop, M(member))} {await host.Graph().GetDescendantCountAsync(Shop, M(member))} {await host.Coins(member)}");
            }

            lines.AddRange((await host.Graph().GetTopInvitersAsync(Shop, 50)).Select(t => t.ToString()));
            return string.Join('\n', lines);
        }

        var live = await Snapshot();
        var result = await host.Get<ICommunityReplayer>().ReplayAsync(Shop);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Failed);
        Assert.Equal(live, await Snapshot());
    }

    [Fact]
    public async Task AddReferrals_checks_arguments_is_safe_twice_and_resolves()
    {
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddReferrals(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddReferrals((Action<ReferralOptions>)null!));
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddReferrals(_ => { }).AddReferrals(_ => { });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.Single(provider.GetServices<IActivityReactor>(), r => r.Order == 300);
        Assert.Same(provider.GetRequiredService<IReferralService>(), provider.GetRequiredService<IInviteGraph>());
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<ReferralOptions>) && d.ImplementationType == typeof(ReferralOptionsValidator)));
    }
}

public class PublicApiTests
{
    [Fact]
    public void Referrals_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(ReferralOptions).Assembly));
}
