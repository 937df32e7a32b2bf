using System.Security.Claims;
using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CommunitySdk.Shop;

/// <summary>
/// The sample shop: products, sign-up with a referral code, orders and refunds, posts, meetups with check-in, and
/// a community page. Everything community-related goes through CommunitySdk; the shop's own data (the catalog and
/// the order book) is deliberately tiny.
/// </summary>
public static class ShopApp
{
    /// <summary>The one community of this shop.</summary>
    public static readonly CommunityId Community = new("demo-shop");

    /// <summary>The shop's time zone: day and week boards, caps and the dates members see.</summary>
    public const string TimeZone = "Europe/Berlin";

    /// <summary>The shop's culture for dates and numbers members see.</summary>
    public static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");

    /// <summary>Builds the app; starting it seeds the demo community when the store is empty. Arguments are ASP.NET Core's.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls</c>, <c>--ConnectionStrings:Community</c>, <c>--Telemetry:Console=true</c>.</param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ShopApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Services.AddRazorPages();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.LoginPath = "/signup");
        builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));
        builder.Services.AddSingleton<Catalog>();
        builder.Services.AddSingleton<OrderBook>();
        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddMediator();

        // The whole community in one chain: SQLite by default (a file next to the app), every feature, the
        // ASP.NET Core endpoints and jobs, and Mediator notifications for the "you earned a badge" feed.
        var connectionString = builder.Configuration.GetConnectionString("Community")
            ?? $"Data Source={Path.Combine(AppContext.BaseDirectory, "shop.db")}";
        // Member write endpoints share one per-user limit (429 ProblemDetails when reached).
        builder.Services.AddRateLimiter(o => o.AddCommunityMemberPolicy("community-writes", permitsPerWindow: 30));

        builder.Services.AddCommunitySdk(o => o.Community(Community.Value, c => { c.Name = "Demo shop"; c.TimeZone = TimeZone; }))
            .AddPoints(p => p
                .Currency("reputation", configure: c => c.DailyCap = 100)
                .Rule("post.created", amount: 10, currency: "reputation")
                .Rule("meetup.attended", amount: 25, currency: "reputation")
                .Currency("coins", spendable: true)
                .Rule("order.completed", perUnit: 1, currency: "coins"))
            .AddReferrals(r =>
            {
                r.RewardBoth(inviter: 30, invitee: 10, currency: "coins");
                r.QualifyingMinimumValue = 20;
            })
            .AddScoring(s =>
            {
                s.LeaderboardCurrency = "reputation"; // the day, week and month boards rank reputation
                s.HalfLife(TimeSpan.FromDays(14))
                 .Weight("post.created", 2)
                 .Weight("order.completed", 1, perUnitOfValue: 0.05)
                 .Weight("meetup.attended", 5)
                 .Tier("newcomer")
                 .Tier("regular", t => t.MinScore = 10)
                 .Tier("champion", t => t.MinScore = 40);
            })
            .AddBadges(b => b
                .Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1))
                .Badge("loyal-customer", "Loyal customer", BadgeCriteria.Count("order.completed", 5), d => d.Grade = BadgeGrade.Silver)
                .Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1))
                .Badge("connector", "Connector", BadgeCriteria.QualifiedReferrals(2), d => d.Grade = BadgeGrade.Gold)
                .Badge("big-spender", "Big spender", BadgeCriteria.PointsEarned("coins", 200), d => d.AutoRevoke = true)
                .Honour("helper", "Community helper")
                .Family("meetups", "Meetup regular",
                    ("Bronze", BadgeCriteria.Count("meetup.attended", 1)),
                    ("Silver", BadgeCriteria.Count("meetup.attended", 3))))
            .UseSqlite(connectionString)
            .AddMediatorNotifications()
            .AddAspNetCore(
                e =>
                {
                    e.AdminPolicy = "community-admin";
                    e.MemberWriteRateLimitPolicy = "community-writes";
                    // Orders, check-ins and posts are recorded by the shop's own server code; the browser may only
                    // self-report the product pages a member viewed (no value, one attribute, 60 an hour).
                    e.AllowMemberActivity("product.viewed", p => { p.Allow("product"); p.MaxPerHour = 60; });
                },
                j => j.Communities.Add(Community.Value));
        builder.Services.Configure<CommunityOptions>(builder.Configuration.GetSection("Community"));
        builder.Services.AddHealthChecks().AddCommunityStore();

        // OpenTelemetry: the SDK's meter and activity source, to the console when asked (--Telemetry:Console=true).
        if (builder.Configuration.GetValue<bool>("Telemetry:Console"))
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(m => m.AddMeter(CommunityDiagnostics.MeterName).AddConsoleExporter())
                .WithTracing(t => t.AddSource(CommunityDiagnostics.ActivitySourceName).AddConsoleExporter());
        }

        // Seeds the demo community when the host starts (after telemetry starts, so the seeding is traced too).
        builder.Services.AddHostedService<Seeder>();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapRazorPages();
        app.MapCommunityEndpoints();
        app.MapHealthChecks("/health");
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.Redirect("/");
        });

        return app;
    }

    /// <summary>The signed-in member, if any.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The member.</returns>
    public static MemberId? Member(ClaimsPrincipal user) =>
        MemberId.TryCreate(user.FindFirstValue(ClaimTypes.NameIdentifier), out var member) ? member : null;

    /// <summary>The profile the shop gives a member at sign-up: their city and a display name (the name with a capital).</summary>
    /// <param name="member">The member.</param>
    /// <param name="city">Their city.</param>
    /// <returns>The profile attributes.</returns>
    public static Dictionary<string, string> Profile(MemberId member, string city) => new()
    {
        [ProfileKeys.City] = city,
        [ProfileKeys.DisplayName] = char.ToUpperInvariant(member.Value[0]) + member.Value[1..],
    };

    /// <summary>Signs a member in with a cookie (the demo has no passwords).</summary>
    /// <param name="http">The request.</param>
    /// <param name="member">The member.</param>
    /// <returns>A task.</returns>
    public static Task SignInAsync(HttpContext http, MemberId member)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, member.Value), new(ClaimTypes.Name, member.Value) };
        if (member.Value == "admin")
        {
            claims.Add(new Claim(ClaimTypes.Role, "admin"));
        }

        return http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
    }
}
