using CommunitySdk.Referrals.Internal;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Referrals.Tests.Fixture;

namespace CommunitySdk.Referrals.Tests;

public class GraphTests
{
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
