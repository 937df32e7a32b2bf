using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>
/// Snapshots on the store: the newest of each community comes back byte for byte, and a host that starts from a
/// snapshot and folds the log's tail holds exactly the state of the live host and of a host that folded everything.
/// </summary>
[ConformanceSuite]
public abstract class SnapshotConformance : StoreConformanceBase
{
    /// <summary>The newest snapshot of each community comes back exactly; communities are separate.</summary>
    [Fact]
    public async Task The_newest_snapshot_of_each_community_comes_back_byte_for_byte()
    {
        var snapshots = Assert.IsAssignableFrom<ICommunitySnapshotStore>(Store);
        var (a, b) = (Community("a"), Community("b"));
        Assert.Null(await snapshots.LoadSnapshotAsync(a));
        var random = new Random(3);
        byte[] Bytes(int n)
        {
            var data = new byte[n];
            random.NextBytes(data);
            return data;
        }

        var first = new CommunitySnapshot(a, 10, Now, Bytes(100_000));
        await snapshots.SaveSnapshotAsync(first);
        var second = new CommunitySnapshot(a, 20, Now.AddMinutes(1), Bytes(5));
        await snapshots.SaveSnapshotAsync(second);
        await snapshots.SaveSnapshotAsync(new CommunitySnapshot(a, 30, Now.AddMinutes(2), Bytes(7)));
        var other = new CommunitySnapshot(b, 3, Now, Bytes(9));
        await snapshots.SaveSnapshotAsync(other);

        var newest = await snapshots.LoadSnapshotAsync(a);
        Assert.Equal(30, newest!.Position);
        Assert.Equal(7, newest.Data.Length);
        Assert.Equal(Now.AddMinutes(2), newest.TakenAt);
        Assert.Equal(other.Data, (await snapshots.LoadSnapshotAsync(b))!.Data);
    }

    /// <summary>Snapshot + the log after it = the live state = a fold of the whole log, for every feature.</summary>
    [Fact]
    public async Task A_host_started_from_a_snapshot_and_the_tail_equals_the_live_host_and_a_full_fold()
    {
        var store = new ObservedStore(Store);
        var clock = new ManualClock(Now);
        var community = Community("state");
        await using var live = Host(store, clock, snapshots: true);
        await FullCommunity.RunWorkloadAsync(live, community, seed: 7, steps: 150, clock.Advance);
        Assert.True(await live.GetRequiredService<IProjectionSynchronizer>().TakeSnapshotAsync(community));
        var position = (await ((ICommunitySnapshotStore)Store).LoadSnapshotAsync(community))!.Position;
        await FullCommunity.RunWorkloadAsync(live, community, seed: 7, steps: 60, clock.Advance, offset: 150);
        var expected = await FullCommunity.DescribeAsync(live, community);

        store.Reads.Clear();
        await using var fromSnapshot = Host(store, clock, snapshots: true);
        Assert.Equal(expected, await FullCommunity.DescribeAsync(fromSnapshot, community));
        Assert.Contains(position, store.Reads); // it folded from the snapshot's position, not from the start
        Assert.DoesNotContain(0L, store.Reads);

        await using var fullFold = Host(store, clock, snapshots: false);
        Assert.Equal(expected, await FullCommunity.DescribeAsync(fullFold, community));
    }

    private static ServiceProvider Host(ICommunityStore store, TimeProvider clock, bool snapshots)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddCommunitySdk(o =>
        {
            o.AllowUndeclaredCommunities = true;
            o.Snapshots.Enabled = snapshots;
            o.Snapshots.EveryActivities = 100_000_000; // only the snapshot the test takes
            o.Snapshots.Interval = TimeSpan.FromDays(365);
        }).AddEveryFeature().UseStore(_ => store);
        return services.BuildServiceProvider();
    }
}

/// <summary>A clock the test moves by hand (snapshots and queries read the time; nothing waits on timers).</summary>
/// <param name="start">The start.</param>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far.</param>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Forwards to the store under test (never disposing it) and notes where each log read starts.</summary>
internal sealed class ObservedStore(ICommunityStore inner) : ICommunityStore, ICommunitySnapshotStore
{
    public ConcurrentBag<long> Reads { get; } = [];

    public ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default) => inner.BeginWriteAsync(community, cancellationToken);

    public ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default) => inner.GetLastActivityIdAsync(community, cancellationToken);

    public ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default) => inner.FindAsync(community, idempotencyKey, cancellationToken);

    public async IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Reads.Add(afterActivityId);
        await foreach (var activity in inner.ReadLogAsync(community, afterActivityId, cancellationToken).ConfigureAwait(false))
        {
            yield return activity;
        }
    }

    public ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default) => inner.GetMemberActivitiesAsync(community, member, page, cancellationToken);

    public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default) => inner.GetPendingOutboxAsync(max, dueBy, cancellationToken);

    public ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => inner.MarkDeliveredAsync(entries, cancellationToken);

    public ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default) => inner.MarkFailedAsync(failures, cancellationToken);

    public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default) => inner.GetDeadLettersAsync(max, cancellationToken);

    public ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => inner.RequeueDeadLettersAsync(entries, cancellationToken);

    public ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default) => ((ICommunitySnapshotStore)inner).SaveSnapshotAsync(snapshot, cancellationToken);

    public ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default) => ((ICommunitySnapshotStore)inner).LoadSnapshotAsync(community, cancellationToken);
}
