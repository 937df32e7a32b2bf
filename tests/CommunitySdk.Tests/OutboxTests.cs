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
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10));
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
        var pending = Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10));
        Assert.Equal(1, pending.Attempts);

        var outbox = host.Get<ICommunityOutbox>();
        Assert.Equal(0, await outbox.RelayPendingAsync()); // second failure
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
}
