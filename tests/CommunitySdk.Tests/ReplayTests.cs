using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class ReplayTests
{
    private static TestHost Host(InMemoryCommunityStore? shared = null, bool late = false) => TestHost.Create(b =>
    {
        b.Services.AddSingleton<RunLog>();
        if (late)
        {
            b.AddReactor<LateReactor>();
        }
        else
        {
            b.AddReactor<EarlyReactor>();
        }

        b.AddProjection<CountingProjection>();
        if (shared is not null)
        {
            b.UseStore(_ => shared);
        }
    });

    private static async Task RecordMixAsync(TestHost host, CommunityId community, int count)
    {
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            var member = $"m{random.Next(25)}";
            if (i % 10 == 0)
            {
                await host.Members.JoinAsync(community, new MemberId($"joiner{i}"), new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = $"c{i % 4}" } });
            }

            await host.Community.RecordAsync(Make($"k{i}", member: member, community: community, value: random.Next(1, 100)));
            host.Clock.Advance(TimeSpan.FromMinutes(random.Next(1, 90)));
        }
    }

    [Fact]
    public async Task Replay_rebuilds_projections_equal_to_live_state()
    {
        await using var host = Host();
        await RecordMixAsync(host, A, 300);
        await RecordMixAsync(host, B, 50);
        var counting = host.Get<CountingProjection>();
        var liveCounts = counting.Snapshot(A);
        var liveMembers = await host.Members.ListAsync(A, 0, 500);
        var liveB = counting.Snapshot(B);

        var result = await host.Get<ICommunityReplayer>().ReplayAsync(A);

        Assert.Equal(330, result.Activities);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Failed);
        Assert.Equal(liveCounts, counting.Snapshot(A));
        Assert.Equal(liveMembers.Select(m => (m.Member, m.JoinedAt, m.City)), (await host.Members.ListAsync(A, 0, 500)).Select(m => (m.Member, m.JoinedAt, m.City)));
        Assert.Equal(liveB, counting.Snapshot(B));

        // Writing after a replay continues the log.
        var next = await host.Community.RecordAsync(Make("after", community: A));
        Assert.Equal(331, next.ActivityId);
    }

    [Fact]
    public async Task Preview_runs_a_changed_rule_set_over_real_history_without_writing()
    {
        var live = new InMemoryCommunityStore();
        await using var host = Host(live);
        await RecordMixAsync(host, A, 40);
        await using var preview = Host(late: true);

        var result = await preview.Get<ICommunityReplayer>().PreviewAsync(A, live.ReadLogAsync(A));

        Assert.Equal(44, result.Activities);
        Assert.Equal(44, result.Changed.Count); // every activity, joins included, now carries a "late" count instead of "early"
        Assert.Equal(host.Get<CountingProjection>().Snapshot(A).Values.Sum(v => v.Sum), preview.Get<CountingProjection>().Snapshot(A).Values.Sum(v => v.Sum));
        Assert.Equal(0, await preview.Get<ICommunityStore>().GetLastActivityIdAsync(A));
        Assert.Equal(44, await live.GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task A_second_instance_sharing_the_store_catches_up_before_reading_and_writing()
    {
        var shared = new InMemoryCommunityStore();
        await using var first = Host(shared);
        await RecordMixAsync(first, A, 30);

        await using var second = Host(shared);
        Assert.Equal(await first.Members.CountAsync(A), await second.Members.CountAsync(A));
        var outcome = await second.Community.RecordAsync(Make("from-second", member: "m1", community: A, value: 1));
        Assert.Equal(34, outcome.ActivityId);
        Assert.Equal(first.Get<CountingProjection>().Get(A, new MemberId("m1")).Count + 1, second.Get<CountingProjection>().Get(A, new MemberId("m1")).Count);
        Assert.True((await first.Community.RecordAsync(Make("from-second", member: "m1", community: A, value: 1))).IsDuplicate);
    }
}
