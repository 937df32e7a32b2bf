using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CommunitySdk.Points;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

/// <summary>
/// State that lives once in the core: snapshots plus the log's tail equal a full fold, the first fold is shared and
/// happens outside the write session, a projection that throws is faulted (not silently behind) until a rebuild,
/// and a snapshot taken under other rules is not used.
/// </summary>
public class StateTests
{
    private static TestHost Host(ICommunityStore store, Action<ICommunitySdkBuilder>? more = null, bool snapshots = true) => TestHost.Create(
        b =>
        {
            b.AddEveryFeature().UseStore(_ => store);
            more?.Invoke(b);
        },
        o =>
        {
            o.Snapshots.Enabled = snapshots;
            o.Snapshots.EveryActivities = 100_000_000;
            o.Snapshots.Interval = TimeSpan.FromDays(365);
        });

    /// <summary>For random workloads cut at a random point: snapshot + tail = live = full fold.</summary>
    [Property(MaxTest = 15)]
    public void A_snapshot_and_the_tail_equal_a_full_fold_at_any_cut(byte seed, byte before, byte after) =>
        SnapshotAndTailAsync(seed, 20 + (before % 90), after % 60).GetAwaiter().GetResult();

    private static async Task SnapshotAndTailAsync(int seed, int before, int after)
    {
        var store = new ObservedStore(new InMemoryCommunityStore());
        await using var live = Host(store);
        await FullCommunity.RunWorkloadAsync(live.Services, A, seed, before, live.Clock.Advance);
        Assert.True(await live.Get<IProjectionSynchronizer>().TakeSnapshotAsync(A));
        await FullCommunity.RunWorkloadAsync(live.Services, A, seed, after, live.Clock.Advance, offset: before);
        var expected = await FullCommunity.DescribeAsync(live.Services, A);

        await using var restarted = Host(store);
        restarted.Clock.SetUtcNow(live.Clock.GetUtcNow());
        store.Events.Clear();
        Assert.Equal(expected, await FullCommunity.DescribeAsync(restarted.Services, A));
        Assert.DoesNotContain("read from 0", store.Events);

        await using var folded = Host(store, snapshots: false);
        folded.Clock.SetUtcNow(live.Clock.GetUtcNow());
        Assert.Equal(expected, await FullCommunity.DescribeAsync(folded.Services, A));
    }

    [Fact]
    public async Task Concurrent_first_requests_share_one_fold_and_a_first_write_folds_before_the_write_session()
    {
        var store = new ObservedStore(new InMemoryCommunityStore());
        await using (var first = Host(store))
        {
            await FullCommunity.RunWorkloadAsync(first.Services, A, seed: 1, steps: 80, first.Clock.Advance);
        }

        await using var reader = Host(store, snapshots: false);
        store.Events.Clear();
        var points = reader.Get<IPointsService>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => points.GetBalancesAsync(A, new MemberId($"m{i}")).AsTask())));
        Assert.Equal(1, store.Events.Count(e => e == "read from 0"));

        await using var writer = Host(store, snapshots: false);
        store.Events.Clear();
        await writer.Community.RecordAsync(Make("first-write", community: A, member: "m1"));
        var events = store.Events.ToArray();
        Assert.True(Array.IndexOf(events, "log read done") < Array.IndexOf(events, "write session opened"), string.Join(", ", events));
        Assert.DoesNotContain("read while writing", events);
    }

    [Fact]
    public async Task A_projection_that_throws_is_faulted_refuses_queries_and_writes_and_a_rebuild_repairs_it()
    {
        var store = new InMemoryCommunityStore();
        await using var host = Host(store, b => b.AddProjection<FlakyProjection>());
        var flaky = host.Get<FlakyProjection>();
        await host.Community.RecordAsync(Make("ok", type: "post.created"));
        Assert.Equal(1, await flaky.ReadAsync(A, (s, _) => s.Count));

        flaky.Broken = true;
        await host.Community.RecordAsync(Make("boom", type: "boom")); // committed: the log is intact
        var refused = await Assert.ThrowsAsync<ProjectionFaultedException>(async () => await flaky.ReadAsync(A, (s, _) => s.Count));
        Assert.Equal("flaky", refused.Projection);
        Assert.Equal(2, refused.ActivityId);
        Assert.Equal("flaky", Assert.Single(host.Get<IProjectionSynchronizer>().GetFaults()).Projection);
        await Assert.ThrowsAsync<ProjectionFaultedException>(async () => await host.Community.RecordAsync(Make("refused", type: "post.created")));
        Assert.Equal(2, await store.GetLastActivityIdAsync(A));
        Assert.True((await host.Get<IPointsService>().GetBalancesAsync(A, new MemberId("alice"))).Count > 0); // other projections still answer

        flaky.Broken = false; // the fixed version is deployed
        await host.Get<ICommunityReplayer>().RebuildAsync(A);
        Assert.Empty(host.Get<IProjectionSynchronizer>().GetFaults());
        Assert.Equal(2, await flaky.ReadAsync(A, (s, _) => s.Count));
        await host.Community.RecordAsync(Make("after", type: "post.created"));
        Assert.Equal(3, await flaky.ReadAsync(A, (s, _) => s.Count));
    }

    [Fact]
    public async Task A_snapshot_taken_under_other_rules_is_not_used_and_state_is_the_stored_events()
    {
        var store = new ObservedStore(new InMemoryCommunityStore());
        string expected;
        DateTimeOffset now;
        await using (var before = Host(store))
        {
            await FullCommunity.RunWorkloadAsync(before.Services, A, seed: 2, steps: 100, before.Clock.Advance);
            Assert.True(await before.Get<IProjectionSynchronizer>().TakeSnapshotAsync(A));
            expected = string.Join('|', await before.Get<IPointsService>().GetBalancesAsync(A, new MemberId("m1")));
            now = before.Clock.GetUtcNow();
        }

        // A new release weighs posts differently (the weight also ranks hot subjects as they are folded): the snapshot's
        // rules hash no longer matches, so the community is folded from the start.
        await using var after = Host(store, b => b.Services.Configure<Scoring.ScoringOptions>(s => s.Weight("post.created", 3)));
        after.Clock.SetUtcNow(now);
        store.Events.Clear();
        Assert.Equal(expected, string.Join('|', await after.Get<IPointsService>().GetBalancesAsync(A, new MemberId("m1")))); // the ledger, not the new rule
        Assert.Contains("read from 0", store.Events);
        Assert.NotEmpty((await after.Get<ICommunityReplayer>().ReplayAsync(A)).Changed); // the new rule would change history
    }

    /// <summary>Counts activities; throws while <see cref="Broken"/> on a <c>boom</c>.</summary>
    public sealed class FlakyProjection : CommunityProjection<FlakyProjection.Counter>
    {
        public bool Broken { get; set; }

        public override string Name => "flaky";

        public override bool SupportsSnapshots => true;

        protected override Counter Create(CommunityId community, CommunityMembers members) => new();

        protected override void Apply(Counter state, CommittedActivity committed, CommunityMembers members)
        {
            if (Broken && committed.Activity.Type == "boom")
            {
                throw new InvalidOperationException("a bug in this version");
            }

            state.Count++;
        }

        protected override void Write(Counter state, SnapshotWriter writer) => writer.Write(state.Count);

        protected override Counter Read(CommunityId community, CommunityMembers members, SnapshotReader reader) => new() { Count = reader.ReadInt32() };

        public sealed class Counter
        {
            public int Count { get; set; }
        }
    }

    /// <summary>Forwards to a store and notes what happened, in order.</summary>
    private sealed class ObservedStore(ICommunityStore inner) : ICommunityStore, ICommunitySnapshotStore
    {
        private int _writing;

        public ConcurrentQueue<string> Events { get; } = new();

        public async ValueTask<ICommunityWriteSession> BeginWriteAsync(CommunityId community, CancellationToken cancellationToken = default)
        {
            var session = await inner.BeginWriteAsync(community, cancellationToken);
            Events.Enqueue("write session opened");
            Interlocked.Increment(ref _writing);
            return new Session(session, this);
        }

        public ValueTask<long> GetLastActivityIdAsync(CommunityId community, CancellationToken cancellationToken = default) => inner.GetLastActivityIdAsync(community, cancellationToken);

        public ValueTask<CommittedActivity?> FindAsync(CommunityId community, string idempotencyKey, CancellationToken cancellationToken = default) => inner.FindAsync(community, idempotencyKey, cancellationToken);

        public async IAsyncEnumerable<CommittedActivity> ReadLogAsync(CommunityId community, long afterActivityId = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Events.Enqueue(afterActivityId == 0 ? "read from 0" : "read tail");
            if (afterActivityId == 0 && Volatile.Read(ref _writing) > 0)
            {
                Events.Enqueue("read while writing");
            }

            await foreach (var activity in inner.ReadLogAsync(community, afterActivityId, cancellationToken))
            {
                yield return activity;
            }

            Events.Enqueue("log read done");
        }

        public ValueTask<ActivityPage> GetMemberActivitiesAsync(CommunityId community, MemberId member, ActivityPageRequest page, CancellationToken cancellationToken = default) => inner.GetMemberActivitiesAsync(community, member, page, cancellationToken);

        public ValueTask<IReadOnlyList<OutboxEntry>> GetPendingOutboxAsync(int max, DateTimeOffset dueBy, CancellationToken cancellationToken = default) => inner.GetPendingOutboxAsync(max, dueBy, cancellationToken);

        public ValueTask MarkDeliveredAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => inner.MarkDeliveredAsync(entries, cancellationToken);

        public ValueTask MarkFailedAsync(IReadOnlyCollection<OutboxFailure> failures, CancellationToken cancellationToken = default) => inner.MarkFailedAsync(failures, cancellationToken);

        public ValueTask<IReadOnlyList<OutboxEntry>> GetDeadLettersAsync(int max, CancellationToken cancellationToken = default) => inner.GetDeadLettersAsync(max, cancellationToken);

        public ValueTask<int> RequeueDeadLettersAsync(IReadOnlyCollection<OutboxKey> entries, CancellationToken cancellationToken = default) => inner.RequeueDeadLettersAsync(entries, cancellationToken);

        public ValueTask SaveSnapshotAsync(CommunitySnapshot snapshot, CancellationToken cancellationToken = default) => ((ICommunitySnapshotStore)inner).SaveSnapshotAsync(snapshot, cancellationToken);

        public ValueTask<CommunitySnapshot?> LoadSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default) => ((ICommunitySnapshotStore)inner).LoadSnapshotAsync(community, cancellationToken);

        private sealed class Session(ICommunityWriteSession inner, ObservedStore owner) : ICommunityWriteSession
        {
            public CommunityId Community => inner.Community;

            public long LastActivityId => inner.LastActivityId;

            public ValueTask<CommittedActivity?> FindAsync(string idempotencyKey, CancellationToken cancellationToken = default) => inner.FindAsync(idempotencyKey, cancellationToken);

            public ValueTask CommitAsync(CommittedActivity activity, CancellationToken cancellationToken = default) => inner.CommitAsync(activity, cancellationToken);

            public ValueTask CommitManyAsync(IReadOnlyList<CommittedActivity> activities, CancellationToken cancellationToken = default) => inner.CommitManyAsync(activities, cancellationToken);

            public async ValueTask DisposeAsync()
            {
                Interlocked.Decrement(ref owner._writing);
                await inner.DisposeAsync();
            }
        }
    }
}
