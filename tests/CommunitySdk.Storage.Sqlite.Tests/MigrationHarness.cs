using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage.Tests;

/// <summary>
/// Upgrading a database that holds history: records a workload with every feature on the current schema, notes each
/// member's history page, turns the database back into schema 1 (dropping what later migrations added, and the
/// outbox back to one row per event with three activities' events pending), reopens it so the migrations run over the
/// existing rows, and expects the same history for every member (the backfill found every event about another
/// member), the same state after a fold, and the pending events still pending (now read from the log).
/// </summary>
internal static class MigrationHarness
{
    /// <summary>SQL (valid on SQLite and PostgreSQL) that undoes migrations 2 and 3, given the provider's schema-1 outbox table.</summary>
    public static string BackToSchema1(string createOutboxV1) =>
        "DROP TABLE community_snapshots; DROP TABLE community_event_members; DROP TABLE community_outbox; " + createOutboxV1 + """

        INSERT INTO community_outbox (community, activity_id, event_index, payload, attempts)
        SELECT community, activity_id, 0, '{}', 2 FROM community_activities ORDER BY activity_id DESC LIMIT 3;
        INSERT INTO community_outbox (community, activity_id, event_index, payload, attempts)
        SELECT community, activity_id, 1, '{}', 1 FROM community_activities ORDER BY activity_id DESC LIMIT 3;
        DELETE FROM communitysdk_schema_versions WHERE version > 1;
        """;

    public static async Task UpgradeFromSchema1Async(Func<ICommunityStore> open, Func<string, Task> execute, string createOutboxV1)
    {
        var community = new CommunityId($"upgrade-{Guid.NewGuid():N}");
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        string state;
        Dictionary<string, string> histories;
        await using (var before = Host(open(), clock))
        {
            await FullCommunity.RunWorkloadAsync(before, community, seed: 11, steps: 160, clock.Advance);
            state = await FullCommunity.DescribeAsync(before, community);
            histories = await HistoriesAsync(before.GetRequiredService<ICommunityStore>(), community);
        }

        Assert.Contains(histories, h => h.Value.Contains("other", StringComparison.Ordinal)); // some history is about another member's activity
        await execute(BackToSchema1(createOutboxV1));

        await using var after = Host(open(), clock); // AutoMigrate: migrations 2 and 3 run over the existing rows
        var store = after.GetRequiredService<ICommunityStore>();
        Assert.Equal(histories, await HistoriesAsync(store, community));
        Assert.Equal(state, await FullCommunity.DescribeAsync(after, community));

        // The pending events are still pending, one entry per activity, with the events of its log entry.
        var pending = await store.GetPendingOutboxAsync(100, DateTimeOffset.MaxValue);
        Assert.Equal(3, pending.Count);
        var last = await store.GetLastActivityIdAsync(community);
        Assert.Equal([last - 2, last - 1, last], pending.Select(p => p.ActivityId).Order());
        Assert.All(pending, p => Assert.Equal(2, p.Attempts));
        await foreach (var logged in store.ReadLogAsync(community, last - 3))
        {
            Assert.Equal(logged.Events.Select(e => e.GetType()), pending.Single(p => p.ActivityId == logged.ActivityId).Events.Select(e => e.GetType()));
        }
    }

    private static ServiceProvider Host(ICommunityStore store, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true).AddEveryFeature().UseStore(_ => store);
        return services.BuildServiceProvider();
    }

    private static async Task<Dictionary<string, string>> HistoriesAsync(ICommunityStore store, CommunityId community)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var activity in store.ReadLogAsync(community))
        {
            members.Add(activity.Activity.Member.Value);
        }

        var histories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            var page = await store.GetMemberActivitiesAsync(community, new MemberId(member), new ActivityPageRequest(PageSize: 200));
            histories[member] = string.Join(' ', page.Items.Select(a => a.Activity.Member.Value == member ? $"{a.ActivityId}" : $"{a.ActivityId}:other"));
        }

        return histories;
    }
}
