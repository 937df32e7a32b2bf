using System.Net;
using System.Net.Http.Json;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>
/// One member cannot make the process keep memory without bound: made-up communities, activity types, subjects,
/// events and visitors each meet a configured limit, with eviction or a typed refusal. Runs alone: one test measures
/// the process's retained memory.
/// </summary>
[Collection(MemoryMeasurements.Name)]
public class ResourceLimitTests
{
    private static readonly CommunityId Shop = new("shop");

    [Fact]
    public async Task An_undeclared_community_is_refused_on_every_path_and_reads_of_it_keep_nothing()
    {
        await using var host = TestHost.Create(
            b => b.AddPoints(p => p.Currency("coins")).AddReferrals(_ => { }).AddScoring(_ => { }),
            o => { o.AllowUndeclaredCommunities = false; o.Community("shop"); });
        var points = host.Get<IPointsService>();
        var scoring = host.Get<IScoringService>();
        var referrals = host.Get<IReferralService>();
        await host.Community.RecordAsync(Activities.Make("k1", community: Shop));
        await Assert.ThrowsAsync<UnknownCommunityException>(async () => await host.Community.RecordAsync(Activities.Make("k2", community: new CommunityId("shoq"))));

        // Warm every path once, then measure what 20,000 reads of made-up communities leave behind.
        await ReadUnknownAsync(0, 100);
        var before = Retained();
        await ReadUnknownAsync(100, 20_000);
        var grown = Retained() - before;
        Assert.True(grown < 512 * 1024, $"{grown} bytes retained by 20,000 reads of unknown communities");

        async Task ReadUnknownAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var unknown = new CommunityId($"typo-{i}");
                var member = new MemberId("ann");
                await Assert.ThrowsAsync<UnknownCommunityException>(async () => await points.GetBalancesAsync(unknown, member));
                await Assert.ThrowsAsync<UnknownCommunityException>(async () => await scoring.TopAsync(unknown, new LeaderboardKey(LeaderboardKind.Score), 10));
                await Assert.ThrowsAsync<UnknownCommunityException>(async () => await referrals.GetCodeAsync(unknown, member));
                await Assert.ThrowsAsync<UnknownCommunityException>(async () => await host.Members.GetAsync(unknown, member));
                await Assert.ThrowsAsync<UnknownCommunityException>(async () => await host.Community.GetHistoryAsync(unknown, member));
            }
        }

        static long Retained()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    [Fact]
    public async Task Undeclared_communities_when_allowed_stop_at_the_limit()
    {
        await using var host = TestHost.Create(options: o => { o.AllowUndeclaredCommunities = true; o.MaxCommunities = 2; });
        await host.Community.RecordAsync(Activities.Make("k1", community: new CommunityId("one")));
        await host.Community.RecordAsync(Activities.Make("k1", community: new CommunityId("two")));
        await host.Community.RecordAsync(Activities.Make("k2", community: new CommunityId("one")));
        await Assert.ThrowsAsync<UnknownCommunityException>(async () => await host.Community.RecordAsync(Activities.Make("k1", community: new CommunityId("three"))));
    }

    [Fact]
    public async Task Distinct_activity_types_stop_at_the_limit_with_a_typed_refusal()
    {
        await using var host = TestHost.Create(options: o => o.MaxActivityTypes = 2);
        await host.Community.RecordAsync(Activities.Make("k1", type: "post.created")); // 1 type
        await host.Community.RecordAsync(Activities.Make("k2", type: "post.liked"));   // 2
        await host.Community.RecordAsync(Activities.Make("k3", type: "post.created")); // known types stay fine
        var refused = await Assert.ThrowsAsync<CommunityLimitExceededException>(async () => await host.Community.RecordAsync(Activities.Make("k4", type: "made.up")));
        Assert.Equal("CommunityOptions.MaxActivityTypes", refused.Limit);
        Assert.Equal(3, await host.Get<Storage.ICommunityStore>().GetLastActivityIdAsync(Activities.A));
    }

    [Fact]
    public async Task Over_http_a_limit_is_a_422_problem()
    {
        await using var api = await Api.StartAsync(configure: b => b.Services.Configure<CommunityOptions>(o => o.MaxActivityTypes = 1));
        await api.RecordAsync("ann", "order.completed", "o1", 10); // the community's one type
        var problem = await SecurityHarness.ProblemAsync(await api.Client("ann").PostAsJsonAsync("/api/community/shop/activities", new RecordActivityRequest("post.created", "p1")), HttpStatusCode.UnprocessableEntity, "type limit");
        Assert.Equal("CommunityOptions.MaxActivityTypes", problem.GetProperty("limit").GetString());
    }

    [Fact]
    public async Task The_hot_list_keeps_the_hottest_subjects_up_to_its_limit()
    {
        await using var host = TestHost.Create(b => b.AddScoring(s => s.MaxHotSubjects = 3));
        var n = 0;
        foreach (var (subject, times) in new[] { ("kettle", 5), ("toaster", 4), ("lamp", 3), ("spam-1", 1), ("spam-2", 1), ("spam-3", 1), ("mixer", 6) })
        {
            for (var i = 0; i < times; i++)
            {
                await host.Community.RecordAsync(Activities.Make($"k{n++}", attributes: new Dictionary<string, string> { ["subject"] = subject }));
            }
        }

        var hot = await host.Get<IScoringService>().HotSubjectsAsync(Activities.A, 100);
        Assert.Equal(["mixer", "kettle", "toaster"], hot.Select(h => h.Subject));
    }

    [Fact]
    public async Task Events_beyond_the_tracked_limit_are_forgotten_and_ties_already_formed_stay()
    {
        await using var host = TestHost.Create(b => b.AddScoring(s => { s.MaxTrackedEvents = 1; s.StrongTieThreshold = 1; }));
        async Task AttendAsync(string member, string meetup) =>
            await host.Community.RecordAsync(Activities.Make($"{member}@{meetup}", member, "meetup.attended", attributes: new Dictionary<string, string> { ["event"] = meetup }));
        await AttendAsync("ann", "e1");
        await AttendAsync("bob", "e1");
        await AttendAsync("ann", "e2"); // e1 is forgotten now
        await AttendAsync("cy", "e1");  // a late check-in to a forgotten event ties cy to nobody

        var scoring = host.Get<IScoringService>();
        Assert.Equal([new MemberId("bob")], await scoring.StrongTiesAsync(Activities.A, new MemberId("ann")));
        Assert.Empty(await scoring.StrongTiesAsync(Activities.A, new MemberId("cy")));
    }

    [Fact]
    public async Task Referral_clicks_are_kept_for_a_limited_number_of_visitors_and_only_within_the_window()
    {
        await using var host = TestHost.Create(b => b.AddReferrals(r => { r.MaxClickVisitors = 2; r.AttributionWindow = TimeSpan.FromDays(7); }));
        var referrals = host.Get<IReferralService>();
        var code = (await referrals.GetOrCreateCodeAsync(Activities.A, new MemberId("ann"))).Code;
        await referrals.RecordClickAsync(Activities.A, code, "v1", "c1");
        await referrals.RecordClickAsync(Activities.A, code, "v2", "c2");
        await referrals.RecordClickAsync(Activities.A, code, "v3", "c3"); // v1 is forgotten

        await host.Members.JoinAsync(Activities.A, new MemberId("first"), new JoinRequest { VisitorId = "v1" });
        await host.Members.JoinAsync(Activities.A, new MemberId("third"), new JoinRequest { VisitorId = "v3" });
        Assert.Null(await referrals.GetReferralAsync(Activities.A, new MemberId("first")));
        Assert.NotNull(await referrals.GetReferralAsync(Activities.A, new MemberId("third")));

        host.Clock.Advance(TimeSpan.FromDays(8));
        await referrals.RecordClickAsync(Activities.A, code, "v4", "c4"); // v2's click is out of the window now
        await host.Members.JoinAsync(Activities.A, new MemberId("second"), new JoinRequest { VisitorId = "v2" });
        Assert.Null(await referrals.GetReferralAsync(Activities.A, new MemberId("second")));
    }
}

/// <summary>Tests that measure process memory run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "memory measurements";
}
