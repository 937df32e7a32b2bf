using CommunitySdk.Contests;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Tests;

/// <summary>The state, snapshot and erasure suites compare hosts by the full community's probe: it must reach every feature.</summary>
public class FullCommunityTests
{
    [Fact]
    public async Task The_workload_takes_contests_through_every_phase()
    {
        await using var host = TestHost.Create(b => b.AddEveryFeature());
        var community = new CommunityId("full");
        await FullCommunity.RunWorkloadAsync(host.Services, community, seed: 7, steps: 150, host.Clock.Advance);
        var contests = host.Get<IContestService>();
        var ideas = await contests.GetAsync(community, "ideas");
        Assert.Equal(ContestPhase.Finished, ideas.Phase);
        Assert.NotEmpty(ideas.Winners);
        var names = await contests.GetAsync(community, "names");
        Assert.Equal(ContestPhase.Voting, names.Phase); // the snapshot suite's snapshot lands mid-vote; its tail finishes the contest
        var ranking = await contests.RankingAsync(community, "names", 0, 100);
        Assert.Contains(ranking, e => e.Votes > 0);
        Assert.Contains(await contests.ReviewAsync(community, "names"), r => r.Held.Count > 0 || r.Entry.Reports > 0);
        Assert.Contains("names Voting", await FullCommunity.DescribeAsync(host.Services, community), StringComparison.Ordinal);
        await FullCommunity.RunWorkloadAsync(host.Services, community, seed: 7, steps: 60, host.Clock.Advance, offset: 150);
        Assert.Equal(ContestPhase.Finished, (await contests.GetAsync(community, "names")).Phase);
    }
}
