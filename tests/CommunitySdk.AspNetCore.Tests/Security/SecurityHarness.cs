using System.Net;
using System.Text.Json;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>Who sends a request in the security tests.</summary>
public enum Caller
{
    Anonymous,
    MemberA,
    MemberB,
    AdminOfOtherCommunity,
}

/// <summary>
/// A shop with history worth attacking: ann (member A) has 40 coins from an order and an invite code; bob (member B)
/// joined with ann's code from ann's device, so his qualifying order left the referral held for fraud review.
/// </summary>
internal static class SecurityHarness
{
    public const string Base = "/api/community/shop";

    public static readonly Caller[] Callers = Enum.GetValues<Caller>();

    public static async Task<Api> StartShopAsync(Action<CommunityEndpointOptions>? endpoints = null)
    {
        var api = await Api.StartAsync(endpoints: endpoints);
        var directory = api.Services.GetRequiredService<IMemberDirectory>();
        await directory.JoinAsync(Api.Shop, new MemberId("ann"), new JoinRequest { Fingerprint = "device-1" });
        await api.RecordAsync("ann", "order.completed", "order-ann", 40);
        var code = await api.Services.GetRequiredService<IReferralService>().GetOrCreateCodeAsync(Api.Shop, new MemberId("ann"));
        await directory.JoinAsync(Api.Shop, new MemberId("bob"), new JoinRequest { ReferralCode = code.Code, Fingerprint = "device-1" });
        await api.RecordAsync("bob", "order.completed", "order-bob", 30);
        Assert.Equal(ReferralStatus.Held, (await api.Services.GetRequiredService<IReferralService>().GetReferralAsync(Api.Shop, new MemberId("bob")))!.Status);
        await api.RecordAsync("ops", "order.completed", "order-other", 5, Api.Other);
        return api;
    }

    public static HttpClient Client(this Api api, Caller caller) => caller switch
    {
        Caller.Anonymous => api.Client(),
        Caller.MemberA => api.Client("ann"),
        Caller.MemberB => api.Client("bob"),
        _ => api.Client("ops", adminOf: "other"),
    };

    /// <summary>What a refused request must not change: both logs, both members' coins, bob's held referral.</summary>
    public static async Task<string> StateAsync(this Api api)
    {
        var store = api.Services.GetRequiredService<ICommunityStore>();
        var points = api.Services.GetRequiredService<IPointsService>();
        var referral = await api.Services.GetRequiredService<IReferralService>().GetReferralAsync(Api.Shop, new MemberId("bob"));
        return string.Join(
            " ",
            await store.GetLastActivityIdAsync(Api.Shop),
            await store.GetLastActivityIdAsync(Api.Other),
            (await points.GetBalanceAsync(Api.Shop, new MemberId("ann"), "coins")).Total,
            (await points.GetBalanceAsync(Api.Shop, new MemberId("bob"), "coins")).Total,
            referral?.Status);
    }

    /// <summary>Asserts the status and that the body is a ProblemDetails with that status; returns the body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: not ProblemDetails ({response.Content.Headers.ContentType}): {body}");
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), what);
        return problem;
    }
}
