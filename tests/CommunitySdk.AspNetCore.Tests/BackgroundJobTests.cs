using System.Collections.Concurrent;
using CommunitySdk.AspNetCore;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.AspNetCore.Tests;

public class BackgroundJobTests
{
    private static readonly CommunityId Shop = new("shop");

    public sealed class Received
    {
        public ConcurrentQueue<CommunityEvent> Events { get; } = new();
    }

    public sealed class Recorder(Received received) : ICommunityEventHandler<CommunityEvent>
    {
        public ValueTask HandleAsync(CommunityEvent communityEvent, CancellationToken cancellationToken)
        {
            received.Events.Enqueue(communityEvent);
            return ValueTask.CompletedTask;
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"timed out waiting for {what}");
    }

    [Fact]
    public async Task The_jobs_run_on_the_registered_clock_relay_and_sweep_expired_points()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var received = new Received();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(received);
        builder.Services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.PublishEventsInline = false; })
            .AddPoints(p => p.Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 1; }))
            .AddEventHandler<CommunityEvent, Recorder>()
            .AddAspNetCore(jobs: j =>
            {
                j.Communities.Add("shop");
                j.OutboxRelayInterval = TimeSpan.FromSeconds(5);
                j.ExpirySweepInterval = TimeSpan.FromHours(1);
                j.TierReviewInterval = TimeSpan.FromDays(1);
            });
        using var host = builder.Build();
        await host.StartAsync();
        var points = host.Services.GetRequiredService<IPointsService>();
        await points.AwardAsync(Shop, new MemberId("ann"), "coins", 20, "welcome", "w1");

        await Task.Delay(100);
        Assert.Empty(received.Events); // nothing inline, and the relay has not ticked
        clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually(() => Task.FromResult(received.Events.Any(e => e is PointsAwarded)), "the relay");

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        var store = host.Services.GetRequiredService<Storage.ICommunityStore>();
        await Eventually(async () => await store.ReadLogAsync(Shop).AnyAsync(a => a.Events.Any(e => e is PointsExpired { Amount: -20 })), "the expiry sweep");
        Assert.Equal(0, (await points.GetBalanceAsync(Shop, new MemberId("ann"), "coins")).Total);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_retention_job_drops_old_free_text_once_a_day_when_a_retention_period_is_set()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.Privacy.FreeTextRetention = TimeSpan.FromDays(7); })
            .AddPoints(p => p.Currency("reputation").Rule("post.created", amount: 5))
            .AddAspNetCore(jobs: j =>
            {
                j.Communities.Add("shop");
                j.WarmUpOnStart = false;
            });

        // The job's passes, observed: each signals when it is done, so the test waits on the pass itself, not on time.
        var passes = new SemaphoreSlim(0);
        var retention = builder.Services.Last(d => d.ServiceType == typeof(IActivityRetention));
        builder.Services.Remove(retention);
        builder.Services.AddSingleton<IActivityRetention>(sp => new SignallingRetention((IActivityRetention)ActivatorUtilities.CreateInstance(sp, retention.ImplementationType!), passes));
        using var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<ICommunity>().RecordAsync(new Activity
        {
            IdempotencyKey = "post-1", Community = Shop, Member = new MemberId("ann"), Type = "post.created",
            Attributes = new Dictionary<string, string> { ["text"] = "a note to self", ["topic"] = "tea" },
        });
        var store = host.Services.GetRequiredService<Storage.ICommunityStore>();

        // Day by day (the job ticks daily): the post keeps its text for the first week and loses it after. Each day
        // waits for that day's pass to finish (a day whose tick came before the job's timer existed is simply advanced past).
        var days = 0;
        while ((await store.FindAsync(Shop, "post-1"))!.Activity.Attributes.ContainsKey("text"))
        {
            Assert.True(++days <= 30, "the retention job never dropped the text");
            clock.Advance(TimeSpan.FromDays(1));
            await passes.WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.True(days >= 8, $"the text was dropped after {days} days, inside the 7-day retention");
        Assert.Equal("tea", (await store.FindAsync(Shop, "post-1"))!.Activity.Attributes["topic"]);
        Assert.Equal(5, (await host.Services.GetRequiredService<IPointsService>().GetBalanceAsync(Shop, new MemberId("ann"), "reputation")).Total);
        await host.StopAsync();
    }

    /// <summary>Forwards to the SDK's retention and releases <paramref name="passes"/> after each pass.</summary>
    private sealed class SignallingRetention(IActivityRetention inner, SemaphoreSlim passes) : IActivityRetention
    {
        public async ValueTask<int> ApplyAsync(CommunityId community, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ApplyAsync(community, cancellationToken);
            }
            finally
            {
                passes.Release();
            }
        }
    }

    [Fact]
    public async Task The_tier_review_job_demotes_an_inactive_member_once_the_grace_has_run_out()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; })
            .AddScoring(s =>
            {
                s.HalfLife(TimeSpan.FromDays(10)).Weight("post.created", 1).Tier("newcomer").Tier("regular", t => t.MinScore = 5);
                s.DemotionGrace = TimeSpan.FromDays(14);
            })
            .AddAspNetCore(jobs: j =>
            {
                j.Communities.Add("shop");
                j.OutboxRelayInterval = TimeSpan.Zero;
                j.ExpirySweepInterval = TimeSpan.Zero;
                j.TierReviewInterval = TimeSpan.FromDays(1);
            });
        using var host = builder.Build();
        await host.StartAsync();
        var community = host.Services.GetRequiredService<ICommunity>();
        for (var i = 0; i < 5; i++)
        {
            await community.RecordAsync(new Activity { Community = Shop, Member = new MemberId("ann"), Type = "post.created", IdempotencyKey = $"p{i}" });
        }

        var store = host.Services.GetRequiredService<Storage.ICommunityStore>();
        async Task<bool> Demoted() => await store.ReadLogAsync(Shop).AnyAsync(a => a.Events.Any(e => e is TierChanged { To: "newcomer" }));

        // Daily ticks: the score falls below 5 after a few days, the grace starts at the next review and runs
        // 14 days; no demotion before that.
        for (var day = 1; day <= 12; day++)
        {
            clock.Advance(TimeSpan.FromDays(1));
            await Task.Delay(20);
        }

        Assert.False(await Demoted());
        for (var day = 13; day <= 40 && !await Demoted(); day++)
        {
            clock.Advance(TimeSpan.FromDays(1));
            await Task.Delay(20);
        }

        await Eventually(Demoted, "the tier review");
        await host.StopAsync();
    }

    [Fact]
    public void Negative_intervals_are_rejected_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddAspNetCore(jobs: j => j.OutboxRelayInterval = TimeSpan.FromSeconds(-1));
        using var host = builder.Build();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CommunityJobOptions>>().Value);
        Assert.Contains("intervals", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_community_id_in_the_job_options_is_rejected_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddAspNetCore(jobs: j => j.Communities.Add(" "));
        using var host = builder.Build();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CommunityJobOptions>>().Value);
        Assert.Contains("Communities", error.Message, StringComparison.Ordinal);
    }
}
