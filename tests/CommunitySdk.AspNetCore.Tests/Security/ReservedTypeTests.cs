using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>
/// Commands are not member activities: every SDK command type is refused on <c>POST activities</c> for every caller,
/// with a ProblemDetails body, and nothing changes — not the logs, not a balance, not bob's held referral.
/// </summary>
public class ReservedTypeTests
{
    /// <summary>Every activity type constant the SDK's features publish (attribute names and prefixes left out).</summary>
    public static IEnumerable<string> SdkCommandTypes() =>
        new[] { typeof(CommunityActivityTypes), typeof(PointsActivityTypes), typeof(BadgeActivityTypes), typeof(ReferralActivityTypes), typeof(ScoringActivityTypes) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && !f.Name.EndsWith("Attribute", StringComparison.Ordinal) && !f.Name.EndsWith("Prefix", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> CommandTypes() => new(SdkCommandTypes());

    [Fact]
    public async Task Every_command_type_of_every_feature_is_reserved()
    {
        await using var api = await Api.StartAsync();
        var commands = api.Services.GetRequiredService<ICommandActivityTypes>();
        var types = SdkCommandTypes().ToArray();
        Assert.True(types.Length >= 17, string.Join(", ", types));
        Assert.All(types, t => Assert.True(commands.IsCommand(t), $"'{t}' is not reserved"));
        Assert.False(commands.IsCommand("post.created"));
        Assert.False(commands.IsCommand("order.completed"));
    }

    [Theory]
    [MemberData(nameof(CommandTypes))]
    public async Task A_command_type_is_refused_for_every_caller_and_changes_nothing(string type)
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var before = await api.StateAsync();

        // The payload of each attack: print coins, grant an honour, reverse ann's order, approve bob's own hold, lock a tier.
        var attack = new RecordActivityRequest(type, $"attack-{type}", 1_000_000, new Dictionary<string, string>
        {
            ["currency"] = "coins",
            ["reason"] = "self",
            ["source"] = "order-ann",
            ["badge"] = "helper",
            ["tier"] = "top",
        });
        foreach (var caller in SecurityHarness.Callers)
        {
            var response = await api.Client(caller).PostAsJsonAsync($"{SecurityHarness.Base}/activities", attack);
            var expected = caller == Caller.Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
            var problem = await SecurityHarness.ProblemAsync(response, expected, $"{caller} {type}");
            if (caller != Caller.Anonymous)
            {
                Assert.Contains(type, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(before, await api.StateAsync());
    }

    [Fact]
    public async Task A_command_listed_as_a_member_activity_stops_the_host_from_starting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => Api.StartAsync(endpoints: e => e.AllowMemberActivity(PointsActivityTypes.Award).AllowMemberActivity(BadgeActivityTypes.Grant)));
        Assert.Contains("MemberActivityTypes:points.award", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MemberActivityTypes:badges.grant", failure.Message, StringComparison.Ordinal); // every problem at once
        Assert.Contains("command", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_record_only_listed_types_within_their_bounds()
    {
        await using var api = await SecurityHarness.StartShopAsync();
        var ann = api.Client(Caller.MemberA);
        var before = await api.StateAsync();

        // order.completed is a business fact the shop records itself: not listed, so a browser cannot claim one.
        var order = await SecurityHarness.ProblemAsync(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("order.completed", "fake-order", 1_000_000)), HttpStatusCode.Forbidden, "unlisted");
        Assert.Contains("order.completed", order.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var value = await SecurityHarness.ProblemAsync(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("post.created", "p1", 10)), HttpStatusCode.BadRequest, "value on a type without one");
        Assert.True(value.GetProperty("errors").TryGetProperty("value", out _));
        var tooMuch = await SecurityHarness.ProblemAsync(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("review.rated", "r1", 6)), HttpStatusCode.BadRequest, "value over the bound");
        Assert.True(tooMuch.GetProperty("errors").TryGetProperty("value", out _));
        await SecurityHarness.ProblemAsync(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("review.rated", "r2", -1)), HttpStatusCode.BadRequest, "negative value");
        var attribute = await SecurityHarness.ProblemAsync(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("post.created", "p2", null, new Dictionary<string, string> { ["event"] = "meetup-1" })), HttpStatusCode.BadRequest, "attribute not allowed");
        Assert.True(attribute.GetProperty("errors").TryGetProperty("attributes[event]", out _));
        Assert.Equal(before, await api.StateAsync());

        await EndpointTests.Json(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("review.rated", "r3", 5)));
        await EndpointTests.Json(await ann.PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("post.created", "p3", null, new Dictionary<string, string> { ["subject"] = "kettles" })));
    }

    [Fact]
    public async Task With_no_member_types_listed_members_may_record_nothing()
    {
        await using var api = await SecurityHarness.StartShopAsync(e => e.MemberActivityTypes.Clear());
        var before = await api.StateAsync();
        await SecurityHarness.ProblemAsync(await api.Client(Caller.MemberA).PostAsJsonAsync($"{SecurityHarness.Base}/activities", new RecordActivityRequest("post.created", "p1")), HttpStatusCode.Forbidden, "deny by default");
        Assert.Equal(before, await api.StateAsync());
    }
}
