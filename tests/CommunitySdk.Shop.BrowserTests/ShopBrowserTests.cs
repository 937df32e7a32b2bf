using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CommunitySdk.Shop;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommunitySdk.Shop.BrowserTests;

/// <summary>
/// The shop on a loopback port and Debian's Chromium, headless: a newcomer signs up with an inviter's code and
/// buys, posts and checks in; their points, badges and weekly rank appear, a refund takes the points back, and the
/// inviter's invite tree grows, in English; a member reads the same pages in Chinese. Every page passes an axe-core
/// scan with no serious or critical violation at 1280 and 390 px. Screenshots are saved under the test output
/// (screenshots/*.png).
/// </summary>
public sealed class ShopBrowserTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"communitysdk-shop-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _app = ShopApp.Create(["--urls=http://127.0.0.1:0", $"--ConnectionStrings:Community=Data Source={_database}", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("COMMUNITYSDK_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Chromium not found at {path}: run the tests with ./eng/test.sh, which installs Debian's chromium, or set COMMUNITYSDK_CHROMIUM.");
    }

    private static string Screenshots() => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>axe-core (from the package registry) on the page as it is: no serious or critical violation.</summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{page.Url}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), $"{what} overflows a {page.ViewportSize?.Width} px screen");
    }

    [Fact]
    public async Task A_newcomer_signs_up_with_a_code_buys_sees_points_and_a_badge_and_the_inviters_tree_grows()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ChromiumArgs });
        var screenshots = Screenshots();

        // The inviter signs in and looks at their tree and code.
        var inviterContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var inviter = await inviterContext.NewPageAsync();
        await inviter.GotoAsync("/signup");
        await AssertAccessibleAsync(inviter);
        await inviter.FillAsync("#signin-name", "lena");
        await inviter.ClickAsync("#signin");
        await inviter.WaitForURLAsync(new Regex("/community$"));
        await AssertAccessibleAsync(inviter);
        var nodesBefore = await inviter.Locator("#invite-tree g.node").CountAsync();
        var code = (await inviter.Locator("#invite-code").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Z0-9]+$", code);
        Assert.True(await inviter.Locator("#invite-qr svg").CountAsync() == 1, "the share panel has a QR code");
        Assert.True(await inviter.Locator("#invite-qr svg path, #invite-qr svg rect").CountAsync() > 0);

        // The tree zooms inside its box: the drawing grows, the page does not.
        var width = await inviter.Locator("#invite-tree").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        await inviter.ClickAsync("#tree-zoom-in");
        Assert.True(await inviter.Locator("#invite-tree").EvaluateAsync<double>("e => e.getBoundingClientRect().width") > width * 1.2);
        await AssertFitsAsync(inviter, "the zoomed tree");

        // Two levels are drawn; a deeper branch is collapsed into "+n more" until all levels are asked for.
        var ali = inviter.Locator("#invite-tree g.node[data-name=Ali]");
        Assert.Equal("+1 more", await ali.Locator("text.more").TextContentAsync());
        Assert.Equal(0, await inviter.Locator("#invite-tree g.node[data-name=Kai]").CountAsync());
        await inviter.ClickAsync("#tree-levels");
        await inviter.WaitForURLAsync(new Regex("tree=all"));
        Assert.Equal(1, await inviter.Locator("#invite-tree g.node[data-name=Kai]").CountAsync());
        Assert.Equal(0, await ali.Locator("text.more").CountAsync());
        await inviter.ClickAsync("#tree-levels");
        await inviter.WaitForURLAsync(new Regex("/community\\?board=week&city=$"));

        // A newcomer follows the invite link, joins and buys a kettle.
        var newcomerContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 1300 } });
        var newcomer = await newcomerContext.NewPageAsync();
        await newcomer.GotoAsync($"/signup?code={code}");
        Assert.Equal(code, await newcomer.InputValueAsync("#code"));
        Assert.StartsWith("Lena invited you. When you place your first order, you get 10 coins and Lena gets", await newcomer.Locator("#invited-by").TextContentAsync(), StringComparison.Ordinal);
        await newcomer.FillAsync("#name", "nina");
        await newcomer.SelectOptionAsync("#city", "Berlin");
        await newcomer.ClickAsync("#join");
        await newcomer.WaitForURLAsync(new Regex("/$"));
        Assert.Equal("nina", await newcomer.Locator("#signed-in-as").TextContentAsync());
        await AssertAccessibleAsync(newcomer);
        await newcomer.ClickAsync("#buy-kettle"); // 89 coins for the order, 10 for joining through a friend
        await newcomer.Locator("#flash").WaitForAsync();
        Assert.Contains("earned 99 coins", await newcomer.Locator("#flash").TextContentAsync(), StringComparison.Ordinal);

        // A post earns reputation, which the weekly leaderboard ranks; so does a meetup check-in.
        await newcomer.GotoAsync("/club");
        await AssertAccessibleAsync(newcomer);
        await newcomer.FillAsync("#post-text", "Hello from Berlin");
        await newcomer.ClickAsync("#post");
        await newcomer.WaitForURLAsync(new Regex("/club$"));
        await newcomer.ClickAsync("form:has(input[value=berlin-tasting]) button");
        await newcomer.Locator(".flash").WaitForAsync();
        Assert.Contains("Checked in to Tea tasting", await newcomer.Locator(".flash").TextContentAsync(), StringComparison.Ordinal);

        // Points, badges with progress, and a place on the weekly board on the community page.
        await newcomer.GotoAsync("/community");
        await newcomer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "community.png"), FullPage = true });
        await AssertAccessibleAsync(newcomer);
        Assert.Equal("99", await newcomer.Locator("#points .balance[data-currency=coins] strong").TextContentAsync());
        Assert.Equal("35", await newcomer.Locator("#points .balance[data-currency=reputation] strong").TextContentAsync());
        var firstOrder = newcomer.Locator("#badges .badge[data-badge=first-order]");
        Assert.Equal("First order", await firstOrder.Locator(".badge-name").TextContentAsync());
        Assert.Equal("Placed a first order", await firstOrder.Locator(".description").TextContentAsync()); // the description, visible
        Assert.Equal(1, await firstOrder.Locator("svg.icon").CountAsync());
        Assert.Equal(1, await newcomer.Locator("#badges .badge[data-badge=first-post]").CountAsync());
        var meetups = newcomer.Locator("#badges .badge[data-badge=meetups-bronze]");
        Assert.Equal("Bronze", await meetups.Locator(".grade-label").TextContentAsync()); // the grade, in words
        Assert.Equal("Meetup regular (Bronze)", await meetups.Locator(".badge-name").TextContentAsync());
        Assert.True(await newcomer.Locator("#badges .progress").CountAsync() > 0);
        Assert.Equal(1, await newcomer.Locator("#leaderboard tr.leader.me").CountAsync());
        Assert.NotEqual("rgba(0, 0, 0, 0)", await newcomer.Locator("#leaderboard tr.leader.me td").First.EvaluateAsync<string>("td => getComputedStyle(td).backgroundColor")); // "you" stands out
        Assert.Contains("reputation earned this week", await newcomer.Locator("#board-description").TextContentAsync(), StringComparison.Ordinal);
        var banners = await newcomer.Locator(".feed").AllTextContentsAsync();
        Assert.Contains(banners, t => t.Contains("You earned the badge “First order”", StringComparison.Ordinal)); // the badge's name, not its id
        Assert.Equal(0, await newcomer.Locator("#cities").CountAsync()); // operator insights are not shown to customers
        Assert.Matches(@"^Held by \d+ % of members$", await firstOrder.Locator(".rarity").TextContentAsync());
        Assert.Matches(@"^Earned \d{1,2} [A-Z][a-z]{2} \d{4}$", await firstOrder.Locator(".earned").TextContentAsync());
        Assert.Contains(await newcomer.Locator("#badges .progress small").AllTextContentsAsync(), t => t.Contains("1 of 5 orders", StringComparison.Ordinal)); // progress in words
        Assert.Equal("N", await newcomer.Locator("#leaderboard tr.leader.me .avatar").First.TextContentAsync()); // initials of "Nina"
        Assert.Contains(await newcomer.Locator("#tier-name").TextContentAsync(), new[] { "Newcomer", "Regular", "Champion" }); // the tier's English display name
        Assert.True(await newcomer.Locator("#tier .requirement").CountAsync() > 0); // what the next tier needs
        Assert.StartsWith("http://127.0.0.1:", await newcomer.Locator("#invite-link").InputValueAsync(), StringComparison.Ordinal); // an absolute link to share
        var history = await newcomer.Locator("#history td.what").AllTextContentsAsync();
        Assert.Contains("Welcome reward for joining through Lena", history); // who and why, in words
        Assert.Contains("Order", history);
        Assert.Matches(@"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$", await newcomer.Locator("#history td.when").First.TextContentAsync()); // en-GB, Berlin time

        // A banner goes away when dismissed, and stays away.
        await newcomer.Locator(".feed button.dismiss").First.ClickAsync();
        await newcomer.WaitForURLAsync(new Regex("/community$"));
        Assert.Equal(banners.Count - 1, await newcomer.Locator(".feed").CountAsync());
        await newcomer.ReloadAsync();
        Assert.Equal(banners.Count - 1, await newcomer.Locator(".feed").CountAsync());

        // On a phone: one column, nothing wider than the screen, still accessible.
        await newcomer.SetViewportSizeAsync(390, 844);
        await newcomer.ReloadAsync();
        await newcomer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "community-390.png"), FullPage = true });
        await AssertFitsAsync(newcomer, "the community page");
        Assert.True(await newcomer.Locator("#badges").EvaluateAsync<bool>("e => e.getBoundingClientRect().right <= window.innerWidth"), "the badges card is cut off at 390 px");
        await AssertAccessibleAsync(newcomer);
        await newcomer.SetViewportSizeAsync(1280, 1300);

        // The inviter's tree shows the newcomer, rewarded, with what it paid.
        await inviter.ReloadAsync();
        var nina = inviter.Locator("#invite-tree g.node[data-name=Nina]");
        Assert.Equal(nodesBefore + 1, await inviter.Locator("#invite-tree g.node").CountAsync());
        Assert.Equal("rewarded", await nina.GetAttributeAsync("data-status"));
        Assert.Equal("Rewarded", await nina.Locator("text.status").TextContentAsync());
        Assert.Equal("+30 coins", await nina.Locator("text.reward").TextContentAsync());
        await inviter.Locator("#invites").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(screenshots, "invites.png") });
        Assert.Contains("Referral reward: Nina's first order", await inviter.Locator("#history td.what").AllTextContentsAsync());

        // A refund takes the order's points back.
        await newcomer.GotoAsync("/");
        await newcomer.ClickAsync("#orders button");
        await newcomer.Locator("#flash").WaitForAsync();
        Assert.Contains("Refunded", await newcomer.Locator("#flash").TextContentAsync(), StringComparison.Ordinal);
        await newcomer.GotoAsync("/community");
        // 0: the 89 for the order, and the 10 welcome reward too, since the refunded order was the one that qualified the referral.
        Assert.Equal("0", await newcomer.Locator("#points .balance[data-currency=coins] strong").TextContentAsync());

        // ... and the inviter's reward with it: the tree says so.
        await inviter.ReloadAsync();
        Assert.Equal("reversed", await nina.GetAttributeAsync("data-status"));
        Assert.Equal("Reward taken back", await nina.Locator("text.status").TextContentAsync());

        // The city filter narrows the leaderboard to Berlin members.
        await inviter.SelectOptionAsync("#city", "Berlin");
        await inviter.WaitForURLAsync(new Regex("city=Berlin"));
        var berlin = await inviter.Locator("#leaderboard tr.leader .name").AllTextContentsAsync();
        Assert.NotEmpty(berlin);
        Assert.All(berlin, m => Assert.Contains(m, new[] { "Lena", "Tom", "Mia", "Ali", "Kai", "Admin", "Nina" }));

        // Operator insights live on an admin page: a customer is turned away, an admin sees where the next meetup should be.
        Assert.Equal(0, await newcomer.Locator("#nav-insights").CountAsync());
        await newcomer.GotoAsync("/insights");
        Assert.Equal(0, await newcomer.Locator("#cities").CountAsync());
        var admin = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, Locale = "en-GB" })).NewPageAsync();
        await admin.GotoAsync("/signup");
        await admin.FillAsync("#signin-name", "admin");
        await admin.ClickAsync("#signin");
        await admin.WaitForURLAsync(new Regex("/community$"));
        await admin.ClickAsync("#nav-insights");
        await admin.WaitForURLAsync(new Regex("/insights$"));
        Assert.Equal(["Berlin", "Lisbon", "Shanghai"], (await admin.Locator("#cities li.city").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.city)")).Order());
        await AssertAccessibleAsync(admin);

        // The idea contest: Lena votes for a name, her votes left go down; a vote for a name from her own invite branch
        // (Tom's, whose branch already casts most of its votes) waits for a moderator; she takes her vote back.
        await inviter.ClickAsync("#nav-ideas");
        await inviter.WaitForURLAsync(new Regex("/ideas$"));
        Assert.Equal(("Idea contest", "voting"), (await inviter.Locator("h1").TextContentAsync(), await inviter.Locator("#contest").GetAttributeAsync("data-phase")));
        Assert.StartsWith("Voting is open until ", await inviter.Locator("#phase").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("Name our quiet kettle", await inviter.Locator("#contest-title").TextContentAsync());
        Assert.Equal("You have 3 votes left.", await inviter.Locator("#votes-left").TextContentAsync());
        var stillWater = inviter.Locator("#ideas tr.idea[data-entry='2']");
        Assert.Equal("Still Water", await stillWater.Locator(".title").TextContentAsync());
        Assert.Equal("by Jo", await stillWater.Locator("small").TextContentAsync());
        var before = int.Parse((await stillWater.Locator(".votes").TextContentAsync())!, CultureInfo.InvariantCulture);
        await stillWater.Locator("button.vote").ClickAsync();
        await inviter.Locator("#flash").WaitForAsync();
        Assert.Equal("Your vote is in.", await inviter.Locator("#flash").TextContentAsync());
        Assert.Equal(before + 1, int.Parse((await stillWater.Locator(".votes").TextContentAsync())!, CultureInfo.InvariantCulture));
        Assert.Equal(("true", "You have 2 votes left."), (await stillWater.GetAttributeAsync("data-voted"), await inviter.Locator("#votes-left").TextContentAsync()));
        await inviter.Locator("#ideas tr.idea[data-entry='1'] button.vote").ClickAsync();
        await inviter.WaitForURLAsync(new Regex("/ideas$"));
        Assert.Equal("Your vote waits for a moderator.", await inviter.Locator("#flash").TextContentAsync());
        await stillWater.Locator("button.unvote").ClickAsync();
        await inviter.WaitForURLAsync(new Regex("/ideas$"));
        Assert.Equal(("Your vote was taken back.", before), (await inviter.Locator("#flash").TextContentAsync(), int.Parse((await stillWater.Locator(".votes").TextContentAsync())!, CultureInfo.InvariantCulture)));
        await AssertAccessibleAsync(inviter);
        await inviter.SetViewportSizeAsync(390, 844);
        await AssertFitsAsync(inviter, "the idea contest");
        await inviter.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ideas-390.png"), FullPage = true });
    }

    [Fact]
    public async Task A_member_reads_the_shop_in_Chinese_on_a_phone_and_switches_language()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ChromiumArgs });
        var screenshots = Screenshots();

        // The browser asks for Chinese (Accept-Language: zh-CN) on a 390 px phone.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signup");
        Assert.Equal("加入社区", await page.Locator("h1").TextContentAsync());
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await AssertAccessibleAsync(page);
        await AssertFitsAsync(page, "the sign-up page");
        await page.FillAsync("#signin-name", "wei");
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync(new Regex("/community$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "community-zh-390.png"), FullPage = true });

        // Labels, names the SDK returns, dates and amounts: all Chinese.
        Assert.Equal("社区", await page.Locator("h1").TextContentAsync());
        Assert.Equal("本周", await page.Locator("#tab-week").TextContentAsync());
        Assert.Equal("我的徽章", await page.Locator("#badges h2").TextContentAsync());
        Assert.Contains("声望", await page.Locator("#board-description").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("金币", (await page.Locator("#points .balance[data-currency=coins]").TextContentAsync())!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Contains(await page.Locator("#tier-name").TextContentAsync(), new[] { "新人", "常客", "达人" });
        var badgeNames = await page.Locator("#badges .badge-name").AllTextContentsAsync();
        Assert.NotEmpty(badgeNames);
        Assert.All(badgeNames, n => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", n));
        Assert.Contains(await page.Locator("#badges .badge[data-badge=first-order] .description").AllTextContentsAsync(), d => d == "完成了第一笔订单");
        Assert.Matches(@"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$", await page.Locator("#history td.when").First.TextContentAsync());
        Assert.Contains(await page.Locator("#history td.what").AllTextContentsAsync(), w => w == "订单");
        Assert.Matches(@"^\d+ 人通过你加入。$", await page.Locator("#descendants").TextContentAsync());
        Assert.Contains(await page.Locator("#invite-tree text.status").AllTextContentsAsync(), s => s is "已奖励" or "已加入，尚未下单");
        await AssertFitsAsync(page, "the Chinese community page");
        await AssertAccessibleAsync(page);

        // The SDK's own endpoints answer in the request's language too.
        var json = await page.EvaluateAsync<string>("async () => await (await fetch('/api/community/demo-shop/me/balances')).text()");
        Assert.Contains("\"currencyDisplayName\":\"金币\"", json, StringComparison.Ordinal);

        // At 1280 px, then switched to English by the language link (a cookie), and back.
        await page.SetViewportSizeAsync(1280, 1000);
        await page.ReloadAsync();
        await AssertAccessibleAsync(page);
        await page.ClickAsync("#lang-en");
        await page.WaitForURLAsync(new Regex("/community$"));
        Assert.Equal("Community", await page.Locator("h1").TextContentAsync());
        Assert.Contains("coins", await page.Locator("#points .balance[data-currency=coins]").TextContentAsync(), StringComparison.Ordinal);
        await page.GotoAsync("/club");
        Assert.Equal("Posts & meetups", await page.Locator("h1").TextContentAsync()); // the choice sticks across pages
        await page.ClickAsync("#lang-zh");
        await page.WaitForURLAsync(new Regex("/club$"));
        Assert.Equal("帖子与聚会", await page.Locator("h1").TextContentAsync());
        await AssertAccessibleAsync(page);
        Assert.Equal(400, (await page.APIRequest.GetAsync("/language?culture=fr-FR")).Status); // only the shop's languages
        foreach (var elsewhere in new[] { "//evil.example", "/\\evil.example", "https://evil.example/" })
        {
            var response = await page.APIRequest.GetAsync($"/language?culture=zh-CN&returnUrl={Uri.EscapeDataString(elsewhere)}", new APIRequestContextOptions { MaxRedirects = 0 });
            Assert.Equal((302, "/"), (response.Status, response.Headers["location"])); // never sent to another site
        }

        // Every page in Chinese on the phone: nothing wider than the screen, no serious accessibility violation.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/ideas");
        Assert.Equal(("为我们的静音水壶命名", "创意大赛"), (await page.Locator("#contest-title").TextContentAsync(), await page.Locator("h1").TextContentAsync())); // the SDK's title in Chinese
        foreach (var path in new[] { "/", "/club", "/community", "/community?tree=all&board=score", "/ideas" })
        {
            await page.GotoAsync(path);
            Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
            await AssertFitsAsync(page, path);
            await AssertAccessibleAsync(page);
        }

        // A friend's invite link in Chinese: who invited you and what you both get.
        var code = await page.EvaluateAsync<string>("async () => (await (await fetch('/api/community/demo-shop/me/invite-code')).json()).code");
        var visitor = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 390, Height = 844 } })).NewPageAsync();
        await visitor.GotoAsync($"/signup?code={code}");
        Assert.Matches(@"^Wei 邀请了你。你下第一单时，你将获得 10 金币，Wei 将获得 30。$", await visitor.Locator("#invited-by").TextContentAsync());
    }

    [Fact]
    public void Every_text_the_shop_shows_has_its_Chinese()
    {
        // The keys the pages and models ask IStringLocalizer for, as written in the code, against Texts.zh-Hans.resx.
        var shop = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../samples/Shop"));
        var chinese = XDocument.Load(Path.Combine(shop, "Resources/Texts.zh-Hans.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);
        var used = Directory.EnumerateFiles(shop, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\b[Tt]\[\s*""((?:[^""\\]|\\.)*)""").Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(used.Count > 50, $"found only {used.Count} texts: is the pattern still right?");
        var missing = used.Where(k => !chinese.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "no Chinese for: " + string.Join(" | ", missing));
        Assert.All(chinese, p => Assert.Equal(Regex.Count(p.Key, @"\{\d\}"), Regex.Count(p.Value, @"\{\d\}"))); // same placeholders
    }
}
