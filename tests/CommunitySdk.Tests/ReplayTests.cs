using CommunitySdk.Projections;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

/// <summary>Rebuild, replay and preview are three different things; only a rebuild touches live state.</summary>
public class ReplayTests
{
    private static TestHost Host(InMemoryCommunityStore? shared = null, bool late = false, bool features = true) => TestHost.Create(b =>
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
        if (features)
        {
            b.AddEveryFeature();
        }

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

    private static ValueTask<byte[]> LiveBytesAsync(TestHost host, CommunityId community) =>
        host.Get<ProjectionCoordinator>().SerializeLiveAsync(community);

    [Fact]
    public async Task Rebuild_folds_the_stored_events_into_state_equal_to_live_and_writing_continues()
    {
        await using var host = Host();
        await FullCommunity.RunWorkloadAsync(host.Services, A, seed: 3, steps: 120, host.Clock.Advance);
        await RecordMixAsync(host, B, 50);
        var live = await FullCommunity.DescribeAsync(host.Services, A);
        var counts = host.Get<CountingProjection>().Snapshot(A);
        var liveB = await LiveBytesAsync(host, B);
        var last = await host.Get<ICommunityStore>().GetLastActivityIdAsync(A);

        var result = await host.Get<ICommunityReplayer>().RebuildAsync(A);

        Assert.Equal(last, result.Position);
        Assert.Equal(last, result.Activities);
        Assert.Equal(live, await FullCommunity.DescribeAsync(host.Services, A));
        Assert.Equal(counts, host.Get<CountingProjection>().Snapshot(A)); // plain projections are reset and folded too
        Assert.Equal(liveB, await LiveBytesAsync(host, B)); // another community is not touched
        var next = await host.Community.RecordAsync(Make("after", community: A));
        Assert.Equal(last + 1, next.ActivityId);
    }

    [Fact]
    public async Task Replay_with_unchanged_rules_finds_no_change_and_leaves_live_state_byte_for_byte()
    {
        await using var host = Host();
        await FullCommunity.RunWorkloadAsync(host.Services, A, seed: 4, steps: 150, host.Clock.Advance);
        var before = await LiveBytesAsync(host, A);
        var counts = host.Get<CountingProjection>().Snapshot(A);

        var result = await host.Get<ICommunityReplayer>().ReplayAsync(A);

        Assert.True(result.Activities > 100);
        Assert.Empty(result.Changed);
        Assert.Empty(result.Failed);
        Assert.Equal(before, await LiveBytesAsync(host, A));
        Assert.Equal(counts, host.Get<CountingProjection>().Snapshot(A));
    }

    [Fact]
    public async Task Preview_runs_a_changed_rule_set_on_throwaway_state_and_touches_no_live_state()
    {
        var live = new InMemoryCommunityStore();
        await using var host = Host(live);
        await RecordMixAsync(host, A, 40);
        var hostBefore = await LiveBytesAsync(host, A);
        await using var preview = Host(late: true);
        await preview.Community.RecordAsync(Make("own", community: A, value: 7)); // the previewing host's own live state
        var previewBefore = await LiveBytesAsync(preview, A);
        var previewCounts = preview.Get<CountingProjection>().Snapshot(A);

        var result = await preview.Get<ICommunityReplayer>().PreviewAsync(A, live.ReadLogAsync(A));

        Assert.Equal(44, result.Activities);
        Assert.Equal(44, result.Changed.Count); // every activity, joins included, now carries a "late" count instead of "early"
        Assert.Equal(previewBefore, await LiveBytesAsync(preview, A));
        Assert.Equal(previewCounts, preview.Get<CountingProjection>().Snapshot(A));
        Assert.Equal(1, await preview.Get<ICommunityStore>().GetLastActivityIdAsync(A)); // nothing written
        Assert.Equal(hostBefore, await LiveBytesAsync(host, A));
        Assert.Equal(44, await live.GetLastActivityIdAsync(A));

        // The host's own rules over its own log: no change.
        Assert.Empty((await host.Get<ICommunityReplayer>().PreviewAsync(A, live.ReadLogAsync(A))).Changed);
    }

    [Fact]
    public async Task A_second_instance_sharing_the_store_catches_up_before_reading_and_writing()
    {
        var shared = new InMemoryCommunityStore();
        await using var first = Host(shared, features: false);
        await RecordMixAsync(first, A, 30);

        await using var second = Host(shared, features: false);
        Assert.Equal(await first.Members.CountAsync(A), await second.Members.CountAsync(A));
        var outcome = await second.Community.RecordAsync(Make("from-second", member: "m1", community: A, value: 1));
        Assert.Equal(34, outcome.ActivityId);
        Assert.Equal(first.Get<CountingProjection>().Get(A, new MemberId("m1")).Count + 1, second.Get<CountingProjection>().Get(A, new MemberId("m1")).Count);
        Assert.True((await first.Community.RecordAsync(Make("from-second", member: "m1", community: A, value: 1))).IsDuplicate);
    }
}
