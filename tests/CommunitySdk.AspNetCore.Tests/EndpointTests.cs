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

/// <summary>
/// Signs in the user named in the <c>X-User</c> header; <c>X-Admin: {community}</c> adds the admin role and the
/// right to administer that community (a <c>community-admin</c> claim).
/// </summary>
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
        if (Request.Headers["X-Admin"].ToString() is { Length: > 0 } community)
        {
            claims.Add(new Claim(ClaimTypes.Role, "admin"));
            claims.Add(new Claim("community-admin", community));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}

/// <summary>A test host of the endpoints: communities <c>shop</c> and <c>other</c>, every feature (a contest <c>ideas</c> open for entries), an admin policy scoped per community.</summary>
internal sealed class Api : IAsyncDisposable
{
    public static readonly CommunityId Shop = new("shop");
    public static readonly CommunityId Other = new("other");
    private readonly WebApplication _app;

    private Api(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static async Task<Api> StartAsync(bool admin = true, Action<ICommunitySdkBuilder>? configure = null, Action<CommunityEndpointOptions>? endpoints = null, Action<WebApplicationBuilder>? host = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));
        var sdk = builder.Services.AddCommunitySdk(o => o.Community(Shop.Value).Community(Other.Value))
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1).Rule("post.created", amount: 5))
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)).Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1)).Honour("helper", "Helper"))
            .AddReferrals(r => r.RewardBoth(inviter: 30, invitee: 10, currency: "coins"))
            .AddScoring(s => s.HalfLife(TimeSpan.FromDays(14)).Weight("order.completed", 1))
            .AddContests(c => c.Contest("ideas", "Ideas", new DateTime(2020, 1, 1), new DateTime(2099, 1, 1), new DateTime(2099, 2, 1)))
            .AddAspNetCore(
                e =>
                {
                    e.AdminPolicy = admin ? "community-admin" : null;
                    e.CanAdministerCommunity = (http, c) => http.User.HasClaim("community-admin", c.Value);
                    e.AllowMemberActivity("post.created", p => { p.Allow("subject"); p.MaxPerHour = 50; });
                    e.AllowMemberActivity("review.rated", p => p.MaxValue = 5);
                    endpoints?.Invoke(e);
                },
                j => j.OutboxRelayInterval = TimeSpan.Zero);
        configure?.Invoke(sdk);
        builder.Services.AddHealthChecks().AddCommunityStore();
        host?.Invoke(builder);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        if (app.Services.GetService<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>() is not null || builder.Services.Any(d => d.ServiceType.Name.Contains("RateLimit", StringComparison.Ordinal)))
        {
            app.UseRateLimiter();
        }

        app.MapCommunityEndpoints();
        app.MapHealthChecks("/health");
        await app.StartAsync();
        return new Api(app);
    }

    public WebApplication App => _app;

    /// <summary>A client signed in as <paramref name="user"/> (anonymous when null), admin of <paramref name="adminOf"/> if given.</summary>
    public HttpClient Client(string? user = null, string? adminOf = null)
    {
        var client = _app.GetTestClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add("X-User", user);
        }

        if (adminOf is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin", adminOf);
        }

        return client;
    }

    /// <summary>Records as trusted host code (what a shop's order service does).</summary>
    public ValueTask<ActivityOutcome> RecordAsync(string member, string type, string key, decimal? value = null, CommunityId? community = null) =>
        Services.GetRequiredService<ICommunity>().RecordAsync(new Activity { Community = community ?? Shop, Member = new MemberId(member), Type = type, IdempotencyKey = key, Value = value });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public class EndpointTests
{
    private const string Base = "/api/community/shop";

    internal static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static decimal Coins(JsonElement balances) =>
        balances.EnumerateArray().Where(b => b.GetProperty("currency").GetString() == "coins").Select(b => b.GetProperty("total").GetDecimal()).SingleOrDefault();

    [Fact]
    public async Task A_member_records_a_post_once_under_retries_and_reads_their_balance_history_badges_and_rank()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");
        var post = new RecordActivityRequest("post.created", "post-1", Attributes: new Dictionary<string, string> { ["subject"] = "kettles" });

        var first = await Json(await ann.PostAsJsonAsync($"{Base}/activities", post));
        var retry = await Json(await ann.PostAsJsonAsync($"{Base}/activities", post));
        Assert.False(first.GetProperty("isDuplicate").GetBoolean());
        Assert.True(retry.GetProperty("isDuplicate").GetBoolean());
        Assert.Equal(first.GetProperty("activityId").GetInt64(), retry.GetProperty("activityId").GetInt64());
        await api.RecordAsync("ann", "order.completed", "order-1", 40); // the shop's own order code, never the browser

        Assert.Equal(45, Coins(await Json(await ann.GetAsync($"{Base}/me/balances"))));
        var history = await Json(await ann.GetAsync($"{Base}/me/history?pageSize=5"));
        Assert.Equal([40m, 5m], history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetDecimal()));
        var badges = (await Json(await ann.GetAsync($"{Base}/me/badges"))).EnumerateArray().Select(b => b.GetProperty("badge").GetProperty("id").GetString()).Order();
        Assert.Equal(["first-order", "first-post"], badges);
        var rank = await Json(await ann.GetAsync($"{Base}/me/rank?board=week"));
        Assert.True(rank.GetProperty("onBoard").GetBoolean());
        Assert.Equal(1, rank.GetProperty("rank").GetInt32());
        var top = await Json(await ann.GetAsync($"{Base}/leaderboards/week?count=3"));
        Assert.Equal("coins", top.GetProperty("currency").GetString());
        var row = Assert.Single(top.GetProperty("rows").EnumerateArray());
        Assert.True(row.GetProperty("isMe").GetBoolean());
        Assert.Equal("Member #1", row.GetProperty("name").GetString());
        Assert.False(row.TryGetProperty("member", out var id) && id.ValueKind != JsonValueKind.Null, "member ids stay private by default");
        var bob = await Json(await api.Client("bob").GetAsync($"{Base}/me/rank?board=week"));
        Assert.False(bob.GetProperty("onBoard").GetBoolean());
    }

    [Fact]
    public async Task A_member_reads_what_the_next_tier_needs_and_an_admin_suspends_with_a_reason()
    {
        await using var api = await Api.StartAsync(host: h => h.Services.Configure<ScoringOptions>(s => s
            .Tier("new")
            .Tier("regular", t => t.Count("post.created", 2, windowDays: 7))));
        var ann = api.Client("ann");
        await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("post.created", "p1"));
        var before = await Json(await ann.GetAsync($"{Base}/me/tier"));
        Assert.Equal(("new", "regular"), (before.GetProperty("tier").GetString(), before.GetProperty("nextTier").GetString()));
        var need = Assert.Single(before.GetProperty("next").EnumerateArray());
        Assert.Equal(("post.created in 7 days", 1d, 2d, false), (need.GetProperty("name").GetString(), need.GetProperty("value").GetDouble(), need.GetProperty("target").GetDouble(), need.GetProperty("met").GetBoolean()));
        Assert.Equal(JsonValueKind.String, need.GetProperty("windowStart").ValueKind);

        // Suspended by an admin: the second post meets the requirement, but no promotion.
        var admin = api.Client("root", adminOf: "shop");
        var until = TimeProvider.System.GetUtcNow().AddDays(30);
        await Json(await admin.PostAsJsonAsync($"{Base}/admin/members/ann/suspension", new SuspensionRequest(until, "spam", "s-1")));
        await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("post.created", "p2"));
        var suspended = await Json(await admin.GetAsync($"{Base}/admin/members/ann/tier"));
        Assert.Equal("new", suspended.GetProperty("tier").GetString());
        Assert.True(suspended.GetProperty("next")[0].GetProperty("met").GetBoolean());
        Assert.Equal(JsonValueKind.String, suspended.GetProperty("suspendedUntil").ValueKind);

        var problem = await Json(await admin.PostAsJsonAsync($"{Base}/admin/members/ann/suspension", new SuspensionRequest(null, null, "s-2")), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.PostAsJsonAsync($"{Base}/admin/members/ann/suspension", new SuspensionRequest(null, "me", "s-3"))).StatusCode);
        await Json(await admin.PostAsJsonAsync($"{Base}/admin/members/ann/suspension", new SuspensionRequest(null, "appeal upheld", "s-4")));
        await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("post.created", "p3"));
        Assert.Equal("regular", (await Json(await ann.GetAsync($"{Base}/me/tier"))).GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Bad_input_is_a_problem_naming_the_field_and_writes_nothing()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");

        var problem = await Json(await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("", "k1")), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _), problem.ToString());
        Assert.Equal("application/problem+json", (await ann.PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("", "k1"))).Content.Headers.ContentType?.MediaType);
        var board = await Json(await ann.GetAsync($"{Base}/leaderboards/yearly"), HttpStatusCode.BadRequest);
        Assert.True(board.GetProperty("errors").TryGetProperty("board", out _));
        var count = await Json(await ann.GetAsync($"{Base}/leaderboards/score?count=5000"), HttpStatusCode.BadRequest);
        Assert.True(count.GetProperty("errors").TryGetProperty("count", out _));
        await Json(await ann.GetAsync("/api/community/%20/me/balances"), HttpStatusCode.NotFound);

        Assert.Equal(0, Coins(await Json(await ann.GetAsync($"{Base}/me/balances"))));
        Assert.Equal(0, await api.Services.GetRequiredService<Storage.ICommunityStore>().GetLastActivityIdAsync(Api.Shop));
    }

    [Fact]
    public async Task Members_need_to_sign_in_read_only_their_own_data_and_admin_routes_need_the_policy()
    {
        await using var api = await Api.StartAsync();
        await api.RecordAsync("ann", "order.completed", "o1", 25);

        var anonymous = await Json(await api.Client().GetAsync($"{Base}/me/balances"), HttpStatusCode.Unauthorized);
        Assert.Equal(401, anonymous.GetProperty("status").GetInt32());
        Assert.Equal(0, Coins(await Json(await api.Client("bob").GetAsync($"{Base}/me/balances")))); // bob sees bob, not ann
        await Json(await api.Client("bob").GetAsync($"{Base}/admin/members/ann/balances"), HttpStatusCode.Forbidden);
        await Json(await api.Client("ops", adminOf: "other").GetAsync($"{Base}/admin/members/ann/balances"), HttpStatusCode.Forbidden);
        Assert.Equal(25, Coins(await Json(await api.Client("ops", adminOf: "shop").GetAsync($"{Base}/admin/members/ann/balances"))));
    }

    [Fact]
    public async Task Admins_award_points_grant_honours_and_unknown_badges_are_404()
    {
        await using var api = await Api.StartAsync();
        var ops = api.Client("ops", adminOf: "shop");
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
        await Json(await api.Client("ops", adminOf: "shop").PostAsJsonAsync($"{Base}/admin/awards", new ManualAwardRequest("ann", "coins", 15, "x", "a")), HttpStatusCode.NotFound);
        Assert.Equal(0, await api.Services.GetRequiredService<Storage.ICommunityStore>().GetLastActivityIdAsync(Api.Shop));
    }

    [Fact]
    public async Task Sign_up_with_a_code_grows_the_inviters_tree_shown_by_display_name()
    {
        await using var api = await Api.StartAsync();
        var ann = api.Client("ann");
        await Json(await ann.PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest()));
        await Json(await ann.GetAsync($"{Base}/me/invite-code"), HttpStatusCode.NotFound); // a GET never creates the code
        var code = (await Json(await ann.PostAsync($"{Base}/me/invite-code", null))).GetProperty("code").GetString()!;
        Assert.Equal(code, (await Json(await ann.GetAsync($"{Base}/me/invite-code"))).GetProperty("code").GetString());
        await Json(await api.Client("bob@example.com").PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest(new Dictionary<string, string> { ["display_name"] = "Bob" }, code)));
        await Json(await api.Client("cy").PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest(ReferralCode: code)));

        Assert.Equal(["Bob", "Member #3"], (await Json(await ann.GetAsync($"{Base}/me/invitees"))).EnumerateArray().Select(e => e.GetProperty("name").GetString()).Order());
        var tree = await Json(await ann.GetAsync($"{Base}/me/invite-tree?depth=2"));
        Assert.Equal(2, tree.GetProperty("descendants").GetInt32());
        Assert.Equal(2, tree.GetProperty("invitees").GetArrayLength());
        Assert.DoesNotContain("bob@example.com", tree.ToString(), StringComparison.Ordinal);

        // A member may not give themselves profile attributes that carry rights.
        var segments = await Json(await api.Client("dee").PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest(new Dictionary<string, string> { ["segments"] = "vip" })), HttpStatusCode.BadRequest);
        Assert.True(segments.GetProperty("errors").TryGetProperty("profile[segments]", out _));
    }

    [Fact]
    public async Task Member_ids_appear_only_when_the_host_opts_in()
    {
        await using var api = await Api.StartAsync(endpoints: e => e.ExposeMemberIds = true);
        await api.RecordAsync("ann", "order.completed", "o1", 25);
        var top = await Json(await api.Client("ann").GetAsync($"{Base}/leaderboards/week"));
        Assert.Equal("ann", top.GetProperty("rows")[0].GetProperty("member").GetString());
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
    public async Task The_health_check_reports_a_faulted_projection_until_a_rebuild()
    {
        await using var api = await Api.StartAsync(configure: b => b.AddProjection<ThrowingProjection>());
        await api.RecordAsync("ann", "post.created", "p1");
        Assert.Equal(HttpStatusCode.OK, (await api.Client().GetAsync("/health")).StatusCode);

        await api.RecordAsync("ann", "boom", "b1");
        var faulted = await api.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted.StatusCode);
        var problem = await SecurityHarness_ProblemFromWrite(api);
        Assert.Contains("throwing", problem, StringComparison.Ordinal);

        api.Services.GetRequiredService<ThrowingProjection>().Fixed = true;
        await api.Services.GetRequiredService<ICommunityReplayer>().RebuildAsync(Api.Shop);
        Assert.Equal(HttpStatusCode.OK, (await api.Client().GetAsync("/health")).StatusCode);
    }

    /// <summary>A member's write while a projection is faulted is refused with ProblemDetails, not a 500.</summary>
    private static async Task<string> SecurityHarness_ProblemFromWrite(Api api)
    {
        var response = await api.Client("ann").PostAsJsonAsync($"{Base}/activities", new RecordActivityRequest("post.created", "p2"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>Throws on a <c>boom</c> until <see cref="Fixed"/>.</summary>
    public sealed class ThrowingProjection : Projections.CommunityProjection<List<string>>
    {
        public bool Fixed { get; set; }

        public override string Name => "throwing";

        protected override List<string> Create(CommunityId community, CommunityMembers members) => [];

        protected override void Apply(List<string> state, CommittedActivity committed, CommunityMembers members)
        {
            if (!Fixed && committed.Activity.Type == "boom")
            {
                throw new InvalidOperationException("bug");
            }

            state.Add(committed.Activity.Type);
        }
    }

    [Fact]
    public void AspNetCore_public_api_is_unchanged() => Snapshooter.Xunit.Snapshot.Match(Testing.PublicApi.Describe(typeof(CommunityEndpointOptions).Assembly));
}
