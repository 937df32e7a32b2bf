using System.Collections.Concurrent;
using CommunitySdk.Mediator;
using CommunitySdk.Points;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Mediator.Tests;

/// <summary>What the notification handlers of one host saw.</summary>
public sealed class Inbox
{
    private int _failuresLeft;

    public ConcurrentQueue<CommunityEvent> All { get; } = new();

    public ConcurrentQueue<PointsAwarded> Awards { get; } = new();

    public ref int FailuresLeft => ref _failuresLeft;
}

/// <summary>Sees every SDK event.</summary>
public sealed class EveryEventListener(Inbox inbox) : INotificationHandler<CommunityNotification>
{
    public ValueTask Handle(CommunityNotification notification, CancellationToken cancellationToken)
    {
        inbox.All.Enqueue(notification.Event);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Sees points awards only, and fails while the inbox says so.</summary>
public sealed class AwardHandler(Inbox inbox) : CommunityNotificationHandler<PointsAwarded>
{
    protected override ValueTask HandleAsync(PointsAwarded communityEvent, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref inbox.FailuresLeft) >= 0)
        {
            throw new InvalidOperationException("mail server down");
        }

        inbox.Awards.Enqueue(communityEvent);
        return ValueTask.CompletedTask;
    }
}

public class MediatorNotificationTests
{
    private static readonly Activity Order = Make("order-1", member: "ann", type: "order.completed", value: 40);

    private static void Configure(ICommunitySdkBuilder builder, Inbox inbox)
    {
        builder.Services.AddSingleton(inbox);
        builder.Services.AddMediator();
        builder.AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1))
               .AddMediatorNotifications();
    }

    [Fact]
    public async Task Every_event_is_published_after_commit_and_typed_handlers_get_their_kind_only()
    {
        var inbox = new Inbox();
        await using var host = TestHost.Create(b => Configure(b, inbox));
        var outcome = await host.Community.RecordAsync(Order);

        Assert.Equal(outcome.Effects.Select(e => (e.GetType(), e.ActivityId, e.Index)), inbox.All.Select(e => (e.GetType(), e.ActivityId, e.Index)));
        Assert.Contains(inbox.All, e => e is MemberJoined);
        var award = Assert.Single(inbox.Awards);
        Assert.Equal(40, award.Amount);
        Assert.Equal(outcome.ActivityId, award.ActivityId);
        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // nothing left for the relay
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task A_throwing_handler_leaves_the_event_in_the_outbox_and_gets_it_again_on_the_next_relay()
    {
        var inbox = new Inbox();
        inbox.FailuresLeft = 1;
        await using var host = TestHost.Create(b => Configure(b, inbox));
        var outcome = await host.Community.RecordAsync(Order);

        Assert.False(outcome.IsDuplicate);
        Assert.Empty(inbox.Awards);
        var pending = Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Equal(1, pending.Attempts);
        Assert.Contains(pending.Events, e => e is PointsAwarded);

        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // not due before the backoff
        host.Clock.Advance(host.Get<IOptions<CommunityOptions>>().Value.OutboxRetryDelay);
        Assert.Equal(1, await host.Get<ICommunityOutbox>().RelayPendingAsync());
        var award = Assert.Single(inbox.Awards);
        Assert.Equal(outcome.ActivityId, award.ActivityId);
        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync());

        // The retry repeats the failed notification (not the acknowledged ones) to every Mediator handler: at least
        // once, deduped on activity id and index.
        Assert.Equal(2, inbox.All.Count(e => e is PointsAwarded));
        Assert.Single(inbox.All, e => e is MemberJoined); // acknowledged on the first attempt: not sent again
        Assert.Single(inbox.All.Where(e => e is PointsAwarded).Select(e => (e.ActivityId, e.Index)).Distinct());
    }

    [Fact]
    public async Task Events_committed_but_not_published_before_a_stop_are_delivered_by_the_next_process()
    {
        var file = Path.Combine(Path.GetTempPath(), $"communitysdk-mediator-{Guid.NewGuid():N}.db");
        try
        {
            var first = new Inbox();
            long activityId;
            await using (var before = TestHost.Create(b => Configure(b.UseSqlite($"Data Source={file}"), first), o => o.PublishEventsInline = false))
            {
                activityId = (await before.Community.RecordAsync(Order)).ActivityId;
            }

            Assert.Empty(first.All);

            var second = new Inbox();
            await using var after = TestHost.Create(b => Configure(b.UseSqlite($"Data Source={file}"), second));
            Assert.Equal(1, await after.Get<ICommunityOutbox>().RelayPendingAsync()); // one activity, all its events
            Assert.True(second.All.Count >= 2);
            Assert.Equal(activityId, Assert.Single(second.Awards).ActivityId);
            Assert.All(second.All, e => Assert.Equal(activityId, e.ActivityId));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Without_mediator_registered_the_publisher_says_what_to_add()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var handler = new MediatorPublishingHandler(services);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => handler.HandleAsync(new MemberJoined { Member = new MemberId("ann"), Profile = new Dictionary<string, string>() }, default).AsTask());
        Assert.Contains("AddMediator()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mediator_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(CommunityNotification).Assembly));
}
