using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Tests;

/// <summary>Signs in the user named in the <c>X-User</c> header; <c>X-Admin: 1</c> adds the admin role.</summary>
public sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "header";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers["X-User"].ToString() is not { Length: > 0 } user)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user) };
        if (Request.Headers["X-Admin"] == "1")
        {
            claims.Add(new Claim(ClaimTypes.Role, "admin"));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}

internal sealed class Api : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Api(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static async Task<Api> StartAsync(bool admin = true, Action<ICommunitySdkBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));
        var sdk = builder.Services.AddCommunitySdk()
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)).Honour("helper", "Helper"))
            .AddReferrals(r => r.RewardBoth(inviter: 30, invitee: 10, currency: "coins"))
            .AddScoring(s => s.HalfLife(TimeSpan.FromDays(14)).Weight("order.completed", 1))
            .AddAspNetCore(e => e.AdminPolicy = admin ? "community-admin" : null, j => j.OutboxRelayInterval = TimeSpan.Zero);
        configure?.Invoke(sdk);
        builder.Services.AddHealthChecks().AddCommunityStore();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCommunityEndpoints();
        app.MapHealthChecks("/health");
        await app.StartAsync();
        return new Api(app);
    }

    public HttpClient Client(string? user = null, bool admin = false)
    {
        var client = _app.GetTestClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add("X-User", user);
        }

        if (admin)
        {
            client.DefaultRequestHeaders.Add("X-Admin", "1");
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public class EndpointTests
{
    private const string Base = "/api/community/shop";

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static decimal Coins(JsonElement balances) =>
        balances.EnumerateArray().Where(b => b.GetProperty("currency").GetString() == "coins").Select(b => b.GetProperty("total").GetDecimal()).SingleOrDefault();

    [Fact]
    public async Task A_member_records_an_order_once_under_retries_and_reads_their_balance_history_badges_and_rank()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");
        var order = new RecordActivityRequest("order.completed", "order-1", 40);

        var first = await Json(await ann.PostAsJsonAsync($"{Base}/activities", order));
        var retry = await Json(await ann.PostAsJsonAsync($"{Base}/activities", order));
        Assert.False(first.GetProperty("isDuplicate").GetBoolean());
        Assert.True(retry.GetProperty("isDuplicate").GetBoolean());
        Assert.Equal(first.GetProperty("activityId").GetInt64(), retry.GetProperty("activityId").GetInt64());

        Assert.Equal(40, Coins(await Json(await ann.GetAsync($"{Base}/me/balances"))));
        var history = await Json(await ann.GetAsync($"{Base}/me/history?pageSize=5"));
        Assert.Equal(40, Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("amount").GetDecimal());
        var badge = Assert.Single((await Json(await ann.GetAsync($"{Base}/me/badges"))).EnumerateArray());
        Assert.Equal("first-order", badge.GetProperty("badge").GetProperty("id").GetString());
        var rank = await Json(await ann.GetAsync($"{Base}/me/rank?board=week"));
        Assert.Equal(1, rank.GetProperty("rank").GetInt32());
        Assert.Equal("ann", rank.GetProperty("member").GetString());
        var top = await Json(await ann.GetAsync($"{Base}/leaderboards/all-time?count=3"));
        Assert.Equal("ann", top[0].GetProperty("member").GetString());
    }

    [Fact]
    public async Task Bad_input_is_a_problem_naming_the_field_and_writes_nothing()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");

        var problem = await Json(await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("", "k1", 40)), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("activity.type", out _), problem.ToString());
        Assert.Equal("application/problem+json", (await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("", "k1", 40))).Content.Headers.ContentType?.MediaType);
        var board = await Json(await ann.GetAsync($"{Base}/leaderboards/yearly"), HttpStatusCode.BadRequest);
        Assert.True(board.GetProperty("errors").TryGetProperty("board", out _));
        var count = await Json(await ann.GetAsync($"{Base}/leaderboards/score?count=5000"), HttpStatusCode.BadRequest);
        Assert.True(count.GetProperty("errors").TryGetProperty("count", out _));
        await Json(await ann.GetAsync("/api/community/%20/me/balances"), HttpStatusCode.BadRequest);

        Assert.Equal(0, Coins(await Json(await ann.GetAsync($"{Base}/me/balances"))));
        Assert.Equal(0, await api.Services.GetRequiredService<Storage.ICommunityStore>().GetLastActivityIdAsync(new CommunityId("shop")));
    }

    [Fact]
    public async Task Members_need_to_sign_in_read_only_their_own_data_and_admin_routes_need_the_policy()
    {
        await using var api = await Api.StartAsync();
        await Json(await api.Client("ann").PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("order.completed", "o1", 25)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client().GetAsync($"{Base}/me/balances")).StatusCode);
        Assert.Equal(0, Coins(await Json(await api.Client("bob").GetAsync($"{Base}/me/balances")))); // bob sees bob, not ann
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Client("bob").GetAsync($"{Base}/admin/members/ann/balances")).StatusCode);
        Assert.Equal(25, Coins(await Json(await api.Client("ops", admin: true).GetAsync($"{Base}/admin/members/ann/balances"))));
    }

    [Fact]
    public async Task Admins_award_points_grant_honours_and_unknown_badges_are_404()
    {
        await using var api = await Api.StartAsync();
        var ops = api.Client("ops", admin: true);
        await Json(await ops.PostAsJsonAsync($"{Base}/admin/awards", new ManualAwardRequest("ann", "coins", 15, "goodwill", "award-1")));
        await Json(await ops.PostAsJsonAsync($"{Base}/admin/awards", new ManualAwardRequest("ann", "coins", 15, "goodwill", "award-1")));
        Assert.Equal(15, Coins(await Json(await api.Client("ann").GetAsync($"{Base}/me/balances"))));

        await Json(await ops.PostAsJsonAsync($"{Base}/admin/honours", new BadgeDecisionRequest("ann", "helper", "ran the meetup", "h-1")));
        Assert.Contains((await Json(await api.Client("ann").GetAsync($"{Base}/me/badges"))).EnumerateArray(), b => b.GetProperty("badge").GetProperty("id").GetString() == "helper");
        var missing = await Json(await ops.PostAsJsonAsync($"{Base}/admin/honours", new BadgeDecisionRequest("ann", "nope", "x", "h-2")), HttpStatusCode.NotFound);
        Assert.Equal("badge", missing.GetProperty("field").GetString());
        var reject = await Json(await ops.PostAsJsonAsync($"{Base}/admin/referrals/ann/reject", new ReferralDecisionRequest("r-1")), HttpStatusCode.BadRequest);
        Assert.True(reject.GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Without_an_admin_policy_the_admin_routes_do_not_exist()
    {
        await using var api = await Api.StartAsync(admin: false);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client("ops", admin: true).PostAsJsonAsync($"{Base}/admin/awards", new ManualAwardRequest("ann", "coins", 15, "x", "a"))).StatusCode);
    }

    [Fact]
    public async Task Sign_up_with_a_code_grows_the_inviters_tree()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");
        await Json(await ann.PostAsJsonAsync($"{Base}/me/join", new JoinRequest()));
        var code = (await Json(await ann.GetAsync($"{Base}/me/invite-code"))).GetProperty("code").GetString()!;
        await Json(await api.Client("bob").PostAsJsonAsync($"{Base}/me/join", new JoinRequest { ReferralCode = code }));
        await Json(await api.Client("cy").PostAsJsonAsync($"{Base}/me/join", new JoinRequest { ReferralCode = code }));

        Assert.Equal(["bob", "cy"], (await Json(await ann.GetAsync($"{Base}/me/invitees"))).EnumerateArray().Select(e => e.GetString()).Order());
        var tree = await Json(await ann.GetAsync($"{Base}/me/invite-tree?depth=2"));
        Assert.Equal(2, tree.GetProperty("descendants").GetInt32());
        Assert.Equal(2, tree.GetProperty("invitees").GetArrayLength());
    }

    [Fact]
    public async Task The_health_check_reports_the_store()
    {
        await using var api = await Api.StartAsync();
        var response = await api.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());

        var broken = Path.Combine(Path.GetTempPath(), $"communitysdk-missing-{Guid.NewGuid():N}", "x.db");
        await using var down = await Api.StartAsync(configure: b => b.UseSqlite($"Data Source={broken};Mode=ReadWrite"));
        var failing = await down.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
    }

    [Fact]
    public void AspNetCore_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(CommunityEndpointOptions).Assembly));
}
