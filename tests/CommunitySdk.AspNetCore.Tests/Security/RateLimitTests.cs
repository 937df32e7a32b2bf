using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>Member writes meet the host's named rate-limiter policy, and each member type its hourly count.</summary>
public class RateLimitTests
{
    [Fact]
    public async Task The_named_policy_limits_member_writes_with_a_429_problem()
    {
        await using var api = await Api.StartAsync(
            endpoints: e => e.MemberWriteRateLimitPolicy = "community-writes",
            host: b => b.Services.AddRateLimiter(o => o.AddCommunityMemberPolicy("community-writes", permitsPerWindow: 2, window: TimeSpan.FromHours(1))));
        var ann = api.Client("ann");
        await EndpointTests.Json(await ann.PostAsJsonAsync("/api/community/shop/activities", new RecordActivityRequest("post.created", "p1")));
        await EndpointTests.Json(await ann.PostAsJsonAsync("/api/community/shop/me/join", new MemberJoinRequest(IdempotencyKey: "member.joined:ann")), HttpStatusCode.Conflict);
        var limited = await ann.PostAsJsonAsync("/api/community/shop/activities", new RecordActivityRequest("post.created", "p2"));
        await SecurityHarness.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "third write");
        Assert.True(limited.Headers.RetryAfter is not null);

        // Reads are not limited, and the limit is per user.
        await EndpointTests.Json(await ann.GetAsync("/api/community/shop/me/balances"));
        await EndpointTests.Json(await api.Client("bob").PostAsJsonAsync("/api/community/shop/activities", new RecordActivityRequest("post.created", "p3")));
    }

    [Fact]
    public async Task A_member_type_allows_its_hourly_count_per_member_on_the_sdk_clock()
    {
        var clock = new FakeTimeProvider(Testing.TestHost.Start);
        await using var api = await Api.StartAsync(
            endpoints: e => e.AllowMemberActivity("post.created", p => p.MaxPerHour = 2),
            host: b => b.Services.AddSingleton<TimeProvider>(clock));
        var ann = api.Client("ann");
        async Task<HttpResponseMessage> PostAsync(HttpClient client, string key) =>
            await client.PostAsJsonAsync("/api/community/shop/activities", new RecordActivityRequest("post.created", key));

        await EndpointTests.Json(await PostAsync(ann, "p1"));
        await EndpointTests.Json(await PostAsync(ann, "p1")); // a retry of a recorded key does not use up the hour
        await EndpointTests.Json(await PostAsync(ann, "p2"));
        var problem = await SecurityHarness.ProblemAsync(await PostAsync(ann, "p3"), HttpStatusCode.TooManyRequests, "third post this hour");
        Assert.Contains("post.created", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await EndpointTests.Json(await PostAsync(api.Client("bob"), "p4"));
        Assert.Equal(3, await api.Services.GetRequiredService<Storage.ICommunityStore>().GetLastActivityIdAsync(Api.Shop)); // p1, p2 and bob's p4

        clock.Advance(TimeSpan.FromHours(1));
        await EndpointTests.Json(await PostAsync(ann, "p3"));
    }
}
