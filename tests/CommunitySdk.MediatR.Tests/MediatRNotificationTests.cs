using System.Collections.Concurrent;
using CommunitySdk.Badges;
using CommunitySdk.MediatR;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using CommunitySdk.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.MediatR.Tests;

/// <summary>What the MediatR handlers of one host saw, per handler.</summary>
public sealed class Inbox
{
    private int _failuresLeft;

    public ConcurrentQueue<CommunityEvent> All { get; } = new();

    public ConcurrentQueue<PointsAwarded> Awards { get; } = new();

    public ConcurrentQueue<BadgeEarned> Badges { get; } = new();

    public ConcurrentQueue<TierChanged> Tiers { get; } = new();

    public ref int FailuresLeft => ref _failuresLeft;
}

/// <summary>Sees every SDK event.</summary>
public sealed class EveryKindHandler(Inbox inbox) : INotificationHandler<ICommunityNotification>
{
    public Task Handle(ICommunityNotification notification, CancellationToken cancellationToken)
    {
        inbox.All.Enqueue(notification.CommunityEvent);
        return Task.CompletedTask;
    }
}

/// <summary>Sees points awards only, and fails while the inbox says so.</summary>
public sealed class AwardHandler(Inbox inbox) : INotificationHandler<CommunityNotification<PointsAwarded>>
{
    public Task Handle(CommunityNotification<PointsAwarded> notification, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref inbox.FailuresLeft) >= 0)
        {
            throw new InvalidOperationException("mail server down");
        }

        inbox.Awards.Enqueue(notification.Event);
        return Task.CompletedTask;
    }
}

/// <summary>Sees badges earned only.</summary>
public sealed class BadgeHandler(Inbox inbox) : INotificationHandler<CommunityNotification<BadgeEarned>>
{
    public Task Handle(CommunityNotification<BadgeEarned> notification, CancellationToken cancellationToken)
    {
        inbox.Badges.Enqueue(notification.Event);
        return Task.CompletedTask;
    }
}

/// <summary>Sees tier changes only.</summary>
public sealed class TierHandler(Inbox inbox) : INotificationHandler<CommunityNotification<TierChanged>>
{
    public Task Handle(CommunityNotification<TierChanged> notification, CancellationToken cancellationToken)
    {
        inbox.Tiers.Enqueue(notification.Event);
        return Task.CompletedTask;
    }
}

/// <summary>MediatR 5.1.0: handlers found by assembly scan, resolved from the relay's scope and invoked per event kind.</summary>
public class MediatRNotificationTests
{
    private static readonly Activity Order = Make("order-1", member: "ann", type: "order.completed", value: 40);

    private static TestHost Host(Inbox inbox) => TestHost.Create(b =>
    {
        b.Services.AddSingleton(inbox);
        b.AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1))
         .AddBadges(x => x.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)))
         .AddScoring(s => s.Tier("new").Tier("buyer", t => t.Count("order.completed", 1)))
         .AddMediatRNotifications(typeof(MediatRNotificationTests).Assembly);
    });

    [Fact]
    public async Task Every_event_kind_reaches_each_of_its_handlers_once_after_commit()
    {
        var inbox = new Inbox();
        await using var host = Host(inbox);
        var outcome = await host.Community.RecordAsync(Order);

        // Five kinds from one order: joined, points, score, tier, badge — each to the every-kind handler once, in order.
        Assert.Equal(outcome.Effects.Select(e => (e.GetType(), e.ActivityId, e.Index)), inbox.All.Select(e => (e.GetType(), e.ActivityId, e.Index)));
        Assert.Equal(
            [typeof(BadgeEarned), typeof(MemberJoined), typeof(PointsAwarded), typeof(ScoreChanged), typeof(TierChanged)],
            inbox.All.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name));
        Assert.Equal(40, Assert.Single(inbox.Awards).Amount);
        Assert.Equal("first-order", Assert.Single(inbox.Badges).BadgeId);
        Assert.Equal("buyer", Assert.Single(inbox.Tiers).To);
        Assert.Equal(0, await host.Get<ICommunityOutbox>().RelayPendingAsync()); // nothing left for the relay (it waits for the delivered entries to leave)
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));

        // A retry of the same activity is a duplicate: nothing is delivered again.
        Assert.True((await host.Community.RecordAsync(Order)).IsDuplicate);
        Assert.Equal(outcome.Effects.Count, inbox.All.Count);
    }

    [Fact]
    public async Task A_throwing_handler_leaves_the_event_in_the_outbox_and_it_is_delivered_on_a_later_relay()
    {
        var inbox = new Inbox();
        inbox.FailuresLeft = 1;
        await using var host = Host(inbox);
        var outcome = await host.Community.RecordAsync(Order);

        Assert.Empty(inbox.Awards);
        var pending = Assert.Single(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
        Assert.Contains(pending.Events, e => e is PointsAwarded);

        host.Clock.Advance(host.Get<IOptions<CommunityOptions>>().Value.OutboxRetryDelay);
        Assert.Equal(1, await host.Get<ICommunityOutbox>().RelayPendingAsync());
        Assert.Equal(outcome.ActivityId, Assert.Single(inbox.Awards).ActivityId);

        // The handlers of the exact kind run before the every-kind ones and a throw stops the rest for that event, so
        // the every-kind handler first saw the award on the retry; the events that succeeded were not sent again.
        Assert.Single(inbox.All, e => e is PointsAwarded);
        Assert.Single(inbox.All, e => e is BadgeEarned);
        Assert.Equal(outcome.Effects.Count, inbox.All.Count);
        Assert.Empty(await host.Get<ICommunityStore>().GetPendingOutboxAsync(10, DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Handlers_are_registered_once_however_often_the_assembly_is_scanned()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddMediatRNotifications(typeof(MediatRNotificationTests).Assembly)
            .AddMediatRNotifications(typeof(MediatRNotificationTests).Assembly);
        Assert.Single(services, d => d.ServiceType == typeof(INotificationHandler<ICommunityNotification>));
        Assert.Single(services, d => d.ServiceType == typeof(INotificationHandler<CommunityNotification<PointsAwarded>>));
    }

    [Fact]
    public void MediatR_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(ICommunityNotification).Assembly));
}
