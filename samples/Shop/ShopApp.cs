using System.Security.Claims;
using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
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

    /// <summary>The shop's idea contest (the <c>/ideas</c> page).</summary>
    public const string IdeaContest = "quiet-kettle";

    /// <summary>The shop's time zone: day and week boards, caps and the dates members see.</summary>
    public const string TimeZone = "Europe/Berlin";

    /// <summary>The languages of the shop: British English (the default) and Simplified Chinese, per request (a cookie the language links set, then <c>Accept-Language</c>).</summary>
    public static readonly IReadOnlyList<string> Cultures = ["en-GB", "zh-CN"];

    /// <summary>Prices are in euros, written the way the request's culture writes amounts.</summary>
    public static System.Globalization.NumberFormatInfo Euro
    {
        get
        {
            var format = (System.Globalization.NumberFormatInfo)System.Globalization.CultureInfo.CurrentCulture.NumberFormat.Clone();
            format.CurrencySymbol = "€";
            return format;
        }
    }

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
        builder.Services.AddLocalization(); // the shop's texts: Resources/Texts.zh-Hans.resx, English being the keys
        builder.Services.Configure<RequestLocalizationOptions>(o => o
            .SetDefaultCulture(Cultures[0])
            .AddSupportedCultures([.. Cultures])
            .AddSupportedUICultures([.. Cultures]));
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => { o.LoginPath = "/signup"; o.AccessDeniedPath = "/"; });
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
                .Currency("reputation", configure: c => { c.DailyCap = 100; c.DisplayNames["zh"] = "声望"; })
                .Rule("post.created", amount: 10, currency: "reputation")
                .Rule("meetup.attended", amount: 25, currency: "reputation")
                .Currency("coins", spendable: true, configure: c => c.DisplayNames["zh"] = "金币")
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
                 .Tier("newcomer", t => Names(t.DisplayNames, "Newcomer", "新人"))
                 .Tier("regular", t => { t.MinScore = 10; Names(t.DisplayNames, "Regular", "常客"); })
                 .Tier("champion", t => { t.MinScore = 40; Names(t.DisplayNames, "Champion", "达人"); });
            })
            .AddBadges(b =>
            {
                // Names and descriptions in English, and in Chinese for zh, zh-CN, zh-Hans... (the SDK answers in the request's UI culture).
                b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1), d => Describe(d, "首单", "Placed a first order", "完成了第一笔订单"))
                 .Badge("loyal-customer", "Loyal customer", BadgeCriteria.Count("order.completed", 5), d => { d.Grade = BadgeGrade.Silver; Describe(d, "忠实顾客", "Five orders and counting", "已下五单"); })
                 .Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1), d => Describe(d, "首帖", "Wrote a first post in the club", "在俱乐部发了第一篇帖子"))
                 .Badge("connector", "Connector", BadgeCriteria.QualifiedReferrals(2), d => { d.Grade = BadgeGrade.Gold; Describe(d, "人脉达人", "Two friends you invited placed an order", "你邀请的两位好友下了单"); })
                 .Badge("big-spender", "Big spender", BadgeCriteria.PointsEarned("coins", 200), d => { d.AutoRevoke = true; Describe(d, "消费达人", "Earned 200 coins from orders", "通过订单获得 200 金币"); })
                 .Honour("helper", "Community helper", d => Describe(d, "社区热心人", "Thanked by the team for helping others", "因帮助他人获团队致谢"))
                 .Honour("namer", "Kettle namer", d => { d.Grade = BadgeGrade.Gold; Describe(d, "水壶命名人", "Proposed a winning name in the idea contest", "在创意大赛中提出了获胜的名字"); })
                 .Family("meetups", "Meetup regular",
                    ("Bronze", BadgeCriteria.Count("meetup.attended", 1)),
                    ("Silver", BadgeCriteria.Count("meetup.attended", 3)));
                var meetups = b.Families[^1];
                meetups.Description = "Comes to the club's meetups";
                meetups.DisplayNames["zh"] = "聚会常客";
                meetups.Descriptions["zh"] = "常来参加俱乐部的聚会";
                meetups.Levels[0].DisplayNames["zh"] = "铜";
                meetups.Levels[1].DisplayNames["zh"] = "银";
            })
            .AddContests(c =>
            {
                // The idea contest runs around the day the shop starts (a demo): ideas came in last week, voting is open
                // this week; three votes per member, prizes and an honour for the three best names.
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
                c.Contest(IdeaContest, "Name our quiet kettle", today.AddDays(-7).ToDateTime(TimeOnly.MinValue), today.ToDateTime(TimeOnly.MinValue), today.AddDays(7).ToDateTime(TimeOnly.MinValue), d =>
                {
                    d.DisplayNames["zh"] = "为我们的静音水壶命名";
                    d.Brief = "We make tea kettles that sing too loudly. Help us name the quiet one: propose a name, vote for three you like.";
                    d.Briefs["zh"] = "我们的水壶烧水时太吵了。请帮我们给安静的新款命名：提出一个名字，再为你喜欢的三个投票。";
                    d.Voting = VotingMode.LimitedPerContest;
                    d.HoldLateJoinerVotes = false; // the demo's members all joined when it was seeded
                    d.PrizeCurrency = "coins";
                    d.Prizes.Add(50);
                    d.Prizes.Add(30);
                    d.Prizes.Add(20);
                    d.HonourBadge = "namer";
                });
            })
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
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapRazorPages();
        app.MapGet("/language", (HttpContext http, string? culture, string? returnUrl) =>
        {
            // The language links: remember the choice in the request-culture cookie, then go back (local URLs only).
            if (culture is null || !Cultures.Contains(culture))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language", detail: $"culture must be one of {string.Join(", ", Cultures)}.");
            }

            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        });
        app.MapCommunityEndpoints();
        app.MapHealthChecks("/health");
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.Redirect("/");
        });

        return app;
    }

    /// <summary>A path on this site (not <c>//host</c> or <c>/\host</c>, which browsers read as another site).</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    /// <summary>A definition's English and Chinese display names.</summary>
    private static void Names(IDictionary<string, string> names, string english, string chinese)
    {
        names["en"] = english;
        names["zh"] = chinese;
    }

    /// <summary>A badge's Chinese name and its description in both languages.</summary>
    private static void Describe(BadgeDefinition badge, string chinese, string description, string chineseDescription)
    {
        badge.DisplayNames["zh"] = chinese;
        badge.Description = description;
        badge.Descriptions["zh"] = chineseDescription;
    }

    /// <summary>The signed-in member, if any.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The member.</returns>
    public static MemberId? Member(ClaimsPrincipal user) =>
        MemberId.TryCreate(user.FindFirstValue(ClaimTypes.NameIdentifier), out var member) ? member : null;

    /// <summary>The profile key of a member's IANA time zone (the shop's own key; the SDK stores it like any attribute).</summary>
    public const string TimeZoneKey = "time_zone";

    /// <summary>The profile the shop gives a member at sign-up: their city, its time zone and a display name (the name with a capital).</summary>
    /// <param name="member">The member.</param>
    /// <param name="city">Their city.</param>
    /// <returns>The profile attributes.</returns>
    public static Dictionary<string, string> Profile(MemberId member, string city) => new()
    {
        [ProfileKeys.City] = city,
        [ProfileKeys.DisplayName] = char.ToUpperInvariant(member.Value[0]) + member.Value[1..],
        [TimeZoneKey] = city switch { "Lisbon" => "Europe/Lisbon", "Shanghai" => "Asia/Shanghai", _ => TimeZone },
    };

    /// <summary>The time zone a member reads dates in: their profile's, else the shop's.</summary>
    /// <param name="member">The member, if known.</param>
    /// <returns>The time zone.</returns>
    public static TimeZoneInfo TimeZoneOf(MemberInfo? member) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(member?.Profile.GetValueOrDefault(TimeZoneKey) ?? TimeZone, out var zone)
            ? zone
            : TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

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
