using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage.Tests;

/// <summary>
/// Upgrading a database that holds history: records a workload with every feature on the current schema, notes each
/// member's history page, turns the database back into schema 1 (dropping what migration 2 added), reopens it so
/// migration 2 runs over the existing rows, and expects the same history for every member (the backfill found every
/// event about another member) and the same state after a fold.
/// </summary>
internal static class MigrationHarness
{
    /// <summary>SQL (valid on SQLite and PostgreSQL) that undoes migration 2.</summary>
    public const string BackToSchema1 =
        "DROP TABLE community_snapshots; DROP TABLE community_event_members; DELETE FROM communitysdk_schema_versions WHERE version > 1;";

    public static async Task UpgradeFromSchema1Async(Func<ICommunityStore> open, Func<string, Task> execute)
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
        await execute(BackToSchema1);

        await using var after = Host(open(), clock); // AutoMigrate: migration 2 runs over the existing rows
        Assert.Equal(histories, await HistoriesAsync(after.GetRequiredService<ICommunityStore>(), community));
        Assert.Equal(state, await FullCommunity.DescribeAsync(after, community));
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
