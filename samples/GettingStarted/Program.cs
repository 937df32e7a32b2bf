// The app docs/getting-started.md builds, whole: every code block of the guide is a region of this file (a test
// compares them), and eng/fresh-app.sh builds this file into a `dotnet new web` app from the packed packages.
// begin-snippet: getting-started-usings
using System.Net;
using System.Security.Claims;
using CommunitySdk;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
// end-snippet

var builder = WebApplication.CreateBuilder(args);

// begin-snippet: getting-started-register
// Every feature reads its settings from appsettings.json ("Community"); options are validated at start.
var community = builder.Configuration.GetSection("Community");
builder.Services.AddCommunitySdk(community)                  // the communities (tenants), time zone, snapshots
    .AddPoints(community.GetSection("Points"))               // currencies and earning rules
    .AddReferrals(community.GetSection("Referrals"))         // invite codes and rewards
    .AddBadges(community.GetSection("Badges"))
    .AddScoring(community.GetSection("Scoring"))             // scores, tiers, leaderboards
    .AddContests(community.GetSection("Contests"))           // idea contests and member voting
    .UseSqlite(builder.Configuration.GetConnectionString("Community")!)
    .AddAspNetCore(endpoints =>
    {
        endpoints.AdminPolicy = "community-admin";
        endpoints.AllowMemberActivity("post.created", p => p.MaxPerHour = 20); // what a browser may report itself
    });
builder.Services.AddHealthChecks().AddCommunityStore();

// The endpoints serve the signed-in member (the NameIdentifier claim): any authentication scheme works.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));
// end-snippet

var app = builder.Build();
var shop = new CommunityId("my-shop");

// begin-snippet: getting-started-record
// Your server code tells the community what a member did, keyed by your own id: a retried request never counts twice.
app.MapPost("/orders", async (Order order, ClaimsPrincipal user, ICommunity community) =>
{
    var outcome = await community.RecordAsync(new Activity
    {
        IdempotencyKey = $"order:{order.Id}",
        Community = shop,
        Member = new MemberId(user.FindFirstValue(ClaimTypes.NameIdentifier)!),
        Type = "order.completed",
        Value = order.Total,
    });
    return Results.Ok(new { coins = outcome.EffectsOf<PointsAwarded>().Sum(a => a.Amount) });
}).RequireAuthorization();
// end-snippet

// begin-snippet: getting-started-serve
app.UseAuthentication();
app.UseAuthorization();
app.MapCommunityEndpoints();      // /api/community/{community}/me/balances, /leaderboards/week, ...
app.MapHealthChecks("/health");
// end-snippet

// begin-snippet: getting-started-page
// The member's community page, rendered on the server from the services the endpoints use.
app.MapGet("/", async (ClaimsPrincipal user, IPointsService points, IBadgeService badges, IScoringService scoring,
    IMemberDirectory members) =>
{
    if (user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
    {
        return Results.Content("<p>Sign in to see your points, badges and rank.</p>", "text/html; charset=utf-8");
    }

    var me = new MemberId(id);
    var balances = await points.GetBalancesAsync(shop, me);
    var held = await badges.GetBadgesAsync(shop, me);
    var top = await scoring.TopAsync(shop, new LeaderboardKey(LeaderboardKind.PointsWeek), 10);
    var rows = new List<string>();
    foreach (var entry in top)
    {
        var name = (await members.GetAsync(shop, entry.Member))?.DisplayName ?? "a member";
        rows.Add($"<li{(entry.Member == me ? " class=me" : "")}>{entry.Rank}. {WebUtility.HtmlEncode(name)}: {entry.Score:0}</li>");
    }

    return Results.Content($"""
        <h1>Your community</h1>
        <p>{string.Join(" · ", balances.Select(b => $"{b.Available:0} {b.Currency}"))}</p>
        <p>Badges: {WebUtility.HtmlEncode(string.Join(", ", held.Select(b => b.Badge.Name)))}</p>
        <h2>This week ({scoring.PointsBoardCurrency})</h2>
        <ol>{string.Concat(rows)}</ol>
        """, "text/html; charset=utf-8");
});
// end-snippet

// begin-snippet: getting-started-sign-in
if (app.Environment.IsDevelopment())
{
    // A stand-in for your real sign-in while you try it out: /dev/sign-in/ann signs in the member "ann".
    app.MapGet("/dev/sign-in/{member}", async (string member, HttpContext http) =>
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, member)], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(new ClaimsPrincipal(identity));
        return Results.Redirect("/");
    });
}
// end-snippet

app.Run();

// begin-snippet: getting-started-order
/// <summary>An order as your shop's checkout posts it.</summary>
internal sealed record Order(string Id, decimal Total);
// end-snippet
