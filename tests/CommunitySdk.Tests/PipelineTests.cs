using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class PipelineTests
{
    private static TestHost Host(Action<CommunityOptions>? options = null) => TestHost.Create(
        b =>
        {
            b.Services.AddSingleton<RunLog>();
            b.AddReactor<LateReactor>().AddReactor<ThrowingReactor>().AddReactor<EarlyReactor>().AddProjection<CountingProjection>();
        },
        options);

    [Fact]
    public async Task Reactors_run_in_ascending_order_after_membership_and_effects_keep_that_order()
    {
        await using var host = Host();
        var outcome = await host.Community.RecordAsync(Make("k1", value: 3));

        Assert.Equal(["early", "late"], host.Get<RunLog>().Names);
        Assert.Collection(
            outcome.Effects,
            e => Assert.True(Assert.IsType<MemberJoined>(e).Implicit),
            e => Assert.Equal("early", Assert.IsType<Counted>(e).Reactor),
            e => Assert.Equal("late", Assert.IsType<Counted>(e).Reactor));
        Assert.Equal([0, 1, 2], outcome.Effects.Select(e => e.Index));
        Assert.All(outcome.Effects, e => Assert.Equal(outcome.ActivityId, e.ActivityId));
        Assert.All(outcome.Effects, e => Assert.Equal(A, e.Community));
    }

    [Fact]
    public async Task Same_key_again_returns_the_first_outcome_and_changes_nothing()
    {
        await using var host = Host();
        var first = await host.Community.RecordAsync(Make("k1", value: 5));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await host.Community.RecordAsync(Make("k1", value: 5.00m));

        Assert.False(first.IsDuplicate);
        Assert.True(again.IsDuplicate);
        Assert.Equal(first.ActivityId, again.ActivityId);
        Assert.Equal(first.Record.RecordedAt, again.Record.RecordedAt);
        Assert.Equal(first.Effects, again.Effects);
        Assert.Equal((2, 10m), host.Get<CountingProjection>().Get(A, new MemberId("alice")));
        Assert.Equal(1, await host.Get<ICommunityStore>().GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task Same_key_with_another_payload_is_a_typed_conflict_and_writes_nothing()
    {
        await using var host = Host();
        await host.Community.RecordAsync(Make("k1", value: 5));

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => host.Community.RecordAsync(Make("k1", value: 6)).AsTask());
        Assert.Equal("k1", ex.IdempotencyKey);
        Assert.Equal(1, ex.ExistingActivityId);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => host.Community.RecordAsync(Make("k1", value: 5, member: "bob")).AsTask());
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => host.Community.RecordAsync(Make("k1", value: 5, attributes: new Dictionary<string, string> { ["city"] = "x" })).AsTask());
        Assert.Equal(1, await host.Get<ICommunityStore>().GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task A_thousand_parallel_records_of_one_key_have_exactly_one_effect()
    {
        await using var host = Host();
        var early = host.Services.GetServices<IActivityReactor>().OfType<EarlyReactor>().Single();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => host.Community.RecordAsync(Make("same", value: 1)).AsTask())));

        Assert.Equal(1, outcomes.Count(o => !o.IsDuplicate));
        Assert.Equal(999, outcomes.Count(o => o.IsDuplicate));
        Assert.Single(outcomes.Select(o => o.ActivityId).Distinct());
        Assert.Equal(1, early.Calls);
        Assert.Equal((2, 2m), host.Get<CountingProjection>().Get(A, new MemberId("alice")));
        Assert.Equal(1, await host.Get<ICommunityStore>().GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task A_throwing_reactor_leaves_nothing_behind()
    {
        await using var host = Host();
        var store = host.Get<ICommunityStore>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Community.RecordAsync(Make("k1", type: "boom", value: 4)).AsTask());

        Assert.Equal(0, await store.GetLastActivityIdAsync(A));
        Assert.Null(await store.FindAsync(A, "k1"));
        Assert.Empty(await store.GetPendingOutboxAsync(100, DateTimeOffset.MaxValue));
        Assert.Null(await host.Members.GetAsync(A, new MemberId("alice")));
        Assert.Equal((0, 0m), host.Get<CountingProjection>().Get(A, new MemberId("alice")));

        // The key was not consumed and the next activity takes id 1.
        var retry = await host.Community.RecordAsync(Make("k1", type: "post.created", value: 4));
        Assert.Equal(1, retry.ActivityId);
        Assert.False(retry.IsDuplicate);
    }

    [Fact]
    public async Task Cancelled_before_commit_writes_nothing()
    {
        await using var host = Host();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Community.RecordAsync(Make("k1"), cts.Token).AsTask());
        Assert.Equal(0, await host.Get<ICommunityStore>().GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task Activity_far_in_the_future_is_rejected_by_the_clock_skew_rule()
    {
        await using var host = Host(o => o.MaxClockSkew = TimeSpan.FromMinutes(5));
        var ex = await Assert.ThrowsAsync<CommunityValidationException>(() =>
            host.Community.RecordAsync(Make("k1", occurredAt: TestHost.Start.AddMinutes(6))).AsTask());
        Assert.Equal("activity.occurredAt", ex.Field);

        var ok = await host.Community.RecordAsync(Make("k2", occurredAt: TestHost.Start.AddMinutes(4)));
        Assert.Equal(TestHost.Start.AddMinutes(4), ok.Record.EffectiveTime);
        Assert.Equal(TestHost.Start, ok.Record.RecordedAt);
    }

    [Fact]
    public async Task Invalid_activity_is_rejected_before_anything_is_written()
    {
        await using var host = Host();
        var ex = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Community.RecordAsync(Make("k1", type: "Bad Type")).AsTask());
        Assert.Equal("activity.type", ex.Field);
        Assert.Equal(0, await host.Get<ICommunityStore>().GetLastActivityIdAsync(A));
    }

    [Fact]
    public async Task A_retry_of_a_key_an_earlier_version_recorded_is_recognised_by_its_SHA256_fingerprint()
    {
        // Versions before 0.3 stored SHA-256 of the payload text; a retry of their keys must still be a duplicate,
        // and another payload still a conflict. SHA-256 of
        // "3:k-1|4:shop|3:ann|15:order.completed|18:639031680000000000|4:12.5|1:b|1:价|7:product|2:p1|":
        const string Legacy = "a3b403a687890cf1067c1a0435319b9f3a34fcaa7563e31781e02cb51bad5a43";
        var store = new InMemoryCommunityStore();
        Activity Payload(decimal value, string key = "k-1") => new()
        {
            IdempotencyKey = key,
            Community = new CommunityId("shop"),
            Member = new MemberId("ann"),
            Type = "order.completed",
            OccurredAt = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
            Value = value,
            Attributes = new Dictionary<string, string> { ["product"] = "p1", ["b"] = "价" },
        };
        await using (var session = await store.BeginWriteAsync(new CommunityId("shop")))
        {
            await session.CommitAsync(new CommittedActivity(1, Payload(12.5m), DateTimeOffset.UnixEpoch, Legacy, []));
        }

        await using var host = TestHost.Create(b => b.UseStore(_ => store), o => o.Community("shop"));
        var again = await host.Community.RecordAsync(Payload(12.50m));
        Assert.True(again.IsDuplicate);
        Assert.Equal(1, again.ActivityId);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => host.Community.RecordAsync(Payload(13m)).AsTask());

        var fresh = await host.Community.RecordAsync(Payload(12.5m, "k-2"));
        Assert.Matches("^x1:[0-9a-f]{32}$", fresh.Record.Fingerprint);
    }

    [Fact]
    public async Task Caller_changing_its_attribute_map_later_does_not_change_the_log()
    {
        await using var host = Host();
        var attributes = new Dictionary<string, string> { ["city"] = "Beijing" };
        var outcome = await host.Community.RecordAsync(Make("k1", attributes: attributes));
        attributes["city"] = "Shanghai";

        var page = await host.Community.GetHistoryAsync(A, new MemberId("alice"));
        Assert.Equal("Beijing", page.Items[0].Activity.GetAttribute("city"));
        Assert.True((await host.Community.RecordAsync(Make("k1", attributes: new Dictionary<string, string> { ["city"] = "Beijing" }))).IsDuplicate);
        Assert.Equal(outcome.ActivityId, page.Items[0].ActivityId);
    }

    [Fact]
    public async Task Auto_join_off_rejects_strangers_with_a_typed_error()
    {
        await using var host = Host(o => o.AutoJoinMembers = false);
        var ex = await Assert.ThrowsAsync<MemberNotFoundException>(() => host.Community.RecordAsync(Make("k1")).AsTask());
        Assert.Equal(new MemberId("alice"), ex.Member);

        await host.Members.JoinAsync(A, new MemberId("alice"));
        var outcome = await host.Community.RecordAsync(Make("k1"));
        Assert.DoesNotContain(outcome.Effects, e => e is MemberJoined);
    }

    [Fact]
    public async Task History_is_newest_first_and_pages_without_gaps_or_repeats()
    {
        await using var host = Host();
        for (var i = 1; i <= 45; i++)
        {
            await host.Community.RecordAsync(Make($"a{i}", member: i % 3 == 0 ? "bob" : "alice", value: i));
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var seen = new List<long>();
        ActivityPageRequest? request = new(PageSize: 7);
        while (request is not null)
        {
            var page = await host.Community.GetHistoryAsync(A, new MemberId("alice"), request);
            Assert.True(page.Items.Count <= 7);
            seen.AddRange(page.Items.Select(i => i.ActivityId));
            request = page.Next;
        }

        Assert.Equal(30, seen.Count);
        Assert.Equal(seen.OrderByDescending(x => x), seen);
        Assert.All(seen, id => Assert.NotEqual(0, id % 3));

        var bad = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Community.GetHistoryAsync(A, new MemberId("alice"), new ActivityPageRequest(0)).AsTask());
        Assert.Equal("page.pageSize", bad.Field);
    }
}
