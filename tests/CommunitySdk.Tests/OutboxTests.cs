using System.Collections.Concurrent;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class OutboxTests
{
    public sealed class Inbox
    {
        public ConcurrentQueue<CommunityEvent> Received { get; } = new();

        private int _failuresLeft;

        public ref int FailuresLeft => ref _failuresLeft;
    }

    public sealed class JoinedSubscriber(Inbox inbox) : ICommunityEventHandler<MemberJoined>
    {
        public ValueTask HandleAsync(MemberJoined communityEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref inbox.FailuresLeft) >= 0)
            {
                throw new InvalidOperationException("subscriber down");
            }

            inbox.Received.Enqueue(communityEvent);
            return ValueTask.CompletedTask;
        }
    }

    private static TestHost Host(Inbox inbox, bool inline = true) => TestHost.Create(
        b =>
        {
            b.Services.AddSingleton(inbox);
            b.AddEventHandler<MemberJoined, JoinedSubscriber>();
        },
        o => o.PublishEventsInline = inline);

    [Fact]
    public async Task Events_are_published_after_commit_with_their_activity_id()
    {
        var inbox = new Inbox();
        await using var host = Host(inbox);
        var outcome = await host.Community.RecordAsync(Make("k1"));

        var received = Assert.IsType<MemberJoined>(Assert.Single(inbox.Received));
        Assert.Equal(outcome.ActivityId, received.ActivityId);
        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // nothing left for the relay (it waits for the delivered entries to leave)
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Single(inbox.Received);
    }

    [Fact]
    public async Task A_throwing_subscriber_does_not_fail_the_record_and_is_retried_later()
    {
        var inbox = new Inbox();
        inbox.FailuresLeft = 2;
        await using var host = Host(inbox);
        var outcome = await host.Community.RecordAsync(Make("k1"));
        Assert.False(outcome.IsDuplicate);
        Assert.Empty(inbox.Received);
        var pending = Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Equal(1, pending.Attempts);

        var outbox = host.Get<ICommunityOutbox>();
        Assert.Equal(0, await outbox.RelayPendingAsync()); // not due yet: the first retry waits OutboxRetryDelay (5 s)
        Assert.Empty(inbox.Received);
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await outbox.RelayPendingAsync()); // second failure: the next retry waits twice as long
        Assert.Equal(2, Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue)).Attempts);
        host.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await outbox.RelayPendingAsync());
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await outbox.RelayPendingAsync());
        Assert.Single(inbox.Received);
        Assert.Equal(0, await outbox.RelayPendingAsync());
    }

    [Fact]
    public async Task With_inline_publishing_off_events_wait_for_the_relay()
    {
        var inbox = new Inbox();
        await using var host = Host(inbox, inline: false);
        await host.Community.RecordAsync(Make("k1", member: "a"));
        await host.Community.RecordAsync(Make("k2", member: "b"));
        Assert.Empty(inbox.Received);

        Assert.Equal(2, await host.Get<ICommunityOutbox>().RelayPendingAsync());
        Assert.Equal(["a", "b"], inbox.Received.Select(e => e.Member.Value));
    }

    /// <summary>Counts every event it gets; blocks while <see cref="Gate"/> is set; fails while told to.</summary>
    public sealed class Recorder
    {
        public ConcurrentQueue<CommunityEvent> Received { get; } = new();

        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Failing { get; set; }
    }

    public sealed class EveryEventSink(Recorder recorder) : ICommunityEventHandler<CommunityEvent>
    {
        public async ValueTask HandleAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
        {
            if (recorder.Gate is { } gate)
            {
                recorder.Entered.TrySetResult();
                await gate.Task;
            }

            if (recorder.Failing)
            {
                throw new InvalidOperationException("crm down");
            }

            recorder.Received.Enqueue(communityEvent);
        }
    }

    private static TestHost TwoHandlers(Inbox inbox, Recorder recorder, Action<CommunityOptions>? options = null) => TestHost.Create(
        b =>
        {
            b.Services.AddSingleton(inbox).AddSingleton(recorder);
            b.AddEventHandler<MemberJoined, JoinedSubscriber>();
            b.AddEventHandler<CommunityEvent, EveryEventSink>();
        },
        options);

    [Fact]
    public async Task A_retry_goes_only_to_the_handler_that_failed()
    {
        var (inbox, recorder) = (new Inbox(), new Recorder());
        inbox.FailuresLeft = 1;
        await using var host = TwoHandlers(inbox, recorder);
        await host.Community.RecordAsync(Make("k1"));
        Assert.Single(recorder.Received); // the other handler acknowledged
        var pending = Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Equal([OutboxEntry.AcknowledgementKey(0, typeof(EveryEventSink).FullName + "(all)")], pending.Acknowledged);

        host.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await host.Get<ICommunityOutbox>().RelayPendingAsync());
        Assert.Single(inbox.Received);
        Assert.Single(recorder.Received); // not delivered again
    }

    [Fact]
    public async Task After_the_most_attempts_an_entry_is_dead_lettered_and_a_requeue_delivers_it()
    {
        var (inbox, recorder) = (new Inbox(), new Recorder { Failing = true });
        await using var host = TwoHandlers(inbox, recorder, o => o.OutboxMaxAttempts = 3);
        var outbox = host.Get<ICommunityOutbox>();
        var outcome = await host.Community.RecordAsync(Make("k1")); // attempt 1
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        await outbox.RelayPendingAsync(); // attempt 2
        Assert.Empty(await outbox.GetDeadLettersAsync());
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        await outbox.RelayPendingAsync(); // attempt 3: gives up

        var dead = Assert.Single(await outbox.GetDeadLettersAsync());
        Assert.Equal((outcome.ActivityId, 3), (dead.ActivityId, dead.Attempts));
        Assert.Contains("crm down", dead.LastError, StringComparison.Ordinal);
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await outbox.RelayPendingAsync()); // a dead letter is not retried

        recorder.Failing = false; // the handler is fixed
        Assert.Equal(1, await outbox.RequeueDeadLettersAsync([dead.Key]));
        Assert.Equal(1, await outbox.RelayPendingAsync());
        Assert.Single(recorder.Received);
        Assert.Single(inbox.Received); // acknowledged on the first attempt, never repeated
    }

    [Fact]
    public async Task A_record_publishes_only_its_own_events_not_the_backlog()
    {
        var (inbox, recorder) = (new Inbox(), new Recorder { Failing = true });
        await using var host = TwoHandlers(inbox, recorder);
        await host.Community.RecordAsync(Make("k1", member: "a"));
        host.Clock.Advance(TimeSpan.FromMinutes(1)); // the failed entry is due
        recorder.Failing = false;

        await host.Community.RecordAsync(Make("k2", member: "b"));

        Assert.Equal(["b"], recorder.Received.Select(e => e.Member.Value)); // k1 waits for the relay
        Assert.Equal(1, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // k1 only: k2 was delivered inline
        Assert.Equal(["b", "a"], recorder.Received.Select(e => e.Member.Value));
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task A_slow_handler_holds_a_record_no_longer_than_the_inline_timeout_and_still_gets_its_event()
    {
        var (inbox, recorder) = (new Inbox(), new Recorder { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) });
        await using var host = TwoHandlers(inbox, recorder, o => o.InlinePublishTimeout = TimeSpan.FromMilliseconds(200));
        var record = host.Community.RecordAsync(Make("k1")).AsTask();
        await recorder.Entered.Task; // the handler is stuck
        Assert.False(record.IsCompleted);

        host.Clock.Advance(TimeSpan.FromMilliseconds(200));
        var outcome = await record; // returned at the timeout, the handler still running
        Assert.Empty(recorder.Received);
        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // the relay leaves an entry being published alone

        recorder.Gate!.SetResult();
        var store = host.Get<ICommunityStore>();
        await host.DisposeAsync(); // a shutdown lets the publication finish and writes its acknowledgement
        Assert.Empty(await store.GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Equal(outcome.ActivityId, Assert.Single(recorder.Received).ActivityId);
        Assert.Single(inbox.Received);
    }

    [Fact]
    public async Task Without_handlers_committed_entries_leave_the_outbox_without_a_delivery()
    {
        await using var host = TestHost.Create();
        for (var i = 0; i < 3; i++)
        {
            await host.Community.RecordAsync(Make($"k{i}", member: $"m{i}"));
        }

        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // waits for the coalesced acknowledgement
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
    }
}
