using System.Text.RegularExpressions;
using CommunitySdk.Shop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommunitySdk.Shop.BrowserTests;

/// <summary>
/// The shop on a loopback port and Debian's Chromium, headless: a newcomer signs up with an inviter's code and
/// buys and posts; their points, badges and weekly rank appear, a refund takes the points back, and the
/// inviter's invite tree grows. A screenshot of the
/// newcomer's community page is saved under the test output (screenshots/community.png).
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

    [Fact]
    public async Task A_newcomer_signs_up_with_a_code_buys_sees_points_and_a_badge_and_the_inviters_tree_grows()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ChromiumArgs });

        // The inviter signs in and looks at their tree and code.
        var inviterContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url });
        var inviter = await inviterContext.NewPageAsync();
        await inviter.GotoAsync("/signup");
        await inviter.FillAsync("#signin-name", "lena");
        await inviter.ClickAsync("#signin");
        await inviter.WaitForURLAsync(new Regex("/community$"));
        var nodesBefore = await inviter.Locator("#invite-tree g.node").CountAsync();
        var code = (await inviter.Locator("#invite-code").TextContentAsync())!.Trim();
        Assert.Matches("^[A-Z0-9]+$", code);

        // A newcomer follows the invite link, joins and buys a kettle.
        var newcomerContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _url, ViewportSize = new ViewportSize { Width = 1100, Height = 1300 } });
        var newcomer = await newcomerContext.NewPageAsync();
        await newcomer.GotoAsync($"/signup?code={code}");
        Assert.Equal(code, await newcomer.InputValueAsync("#code"));
        Assert.StartsWith("Lena invited you. When you place your first order, you get 10 coins and Lena gets", await newcomer.Locator("#invited-by").TextContentAsync(), StringComparison.Ordinal);
        await newcomer.FillAsync("#name", "nina");
        await newcomer.SelectOptionAsync("#city", "Berlin");
        await newcomer.ClickAsync("#join");
        await newcomer.WaitForURLAsync(new Regex("/$"));
        Assert.Equal("nina", await newcomer.Locator("#signed-in-as").TextContentAsync());
        await newcomer.ClickAsync("#buy-kettle"); // 89 coins for the order, 10 for joining through a friend
        await newcomer.Locator("#flash").WaitForAsync();
        Assert.Contains("earned 99 coins", await newcomer.Locator("#flash").TextContentAsync(), StringComparison.Ordinal);

        // A post earns reputation, which the weekly leaderboard ranks.
        await newcomer.GotoAsync("/club");
        await newcomer.FillAsync("textarea[name=text]", "Hello from Berlin");
        await newcomer.ClickAsync("#post");
        await newcomer.WaitForURLAsync(new Regex("/club$"));

        // Points, badges with progress, and a place on the weekly board on the community page.
        await newcomer.GotoAsync("/community");
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        await newcomer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "community.png"), FullPage = true });
        var coins = await newcomer.Locator("#points .balance[data-currency=coins] strong").TextContentAsync();
        Assert.Equal("99", coins);
        Assert.Equal("10", await newcomer.Locator("#points .balance[data-currency=reputation] strong").TextContentAsync());
        Assert.Equal(1, await newcomer.Locator("#badges .badge[data-badge=first-order]").CountAsync());
        Assert.Equal(1, await newcomer.Locator("#badges .badge[data-badge=first-post]").CountAsync());
        Assert.True(await newcomer.Locator("#badges .progress").CountAsync() > 0);
        Assert.Equal(1, await newcomer.Locator("#leaderboard tr.leader.me").CountAsync());
        Assert.NotEqual("rgba(0, 0, 0, 0)", await newcomer.Locator("#leaderboard tr.leader.me td").First.EvaluateAsync<string>("td => getComputedStyle(td).backgroundColor")); // "you" stands out
        Assert.Contains("reputation earned this week", await newcomer.Locator("#board-description").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains(await newcomer.Locator(".feed").AllTextContentsAsync(), t => t.Contains("“First order”", StringComparison.Ordinal)); // the badge's name, not its id
        Assert.Equal(0, await newcomer.Locator("#cities").CountAsync()); // operator insights are not shown to customers
        Assert.Contains("held by", await newcomer.Locator("#badges .badge[data-badge=first-order] .rarity").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains(await newcomer.Locator("#badges .progress small").AllTextContentsAsync(), t => t.Contains("1 of 5 orders", StringComparison.Ordinal)); // progress in words
        Assert.Equal("N", await newcomer.Locator("#leaderboard tr.leader.me .avatar").First.TextContentAsync()); // initials of "Nina"
        Assert.False(string.IsNullOrWhiteSpace(await newcomer.Locator("#tier-name").TextContentAsync()));
        Assert.True(await newcomer.Locator("#tier .requirement").CountAsync() > 0); // what the next tier needs
        Assert.StartsWith("http://127.0.0.1:", await newcomer.Locator("#invite-link").InputValueAsync(), StringComparison.Ordinal); // an absolute link to share
        var history = await newcomer.Locator("#history td.what").AllTextContentsAsync();
        Assert.Contains("Welcome reward for joining through Lena", history); // who and why, in words
        Assert.Contains("Order", history);
        Assert.Matches(@"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$", await newcomer.Locator("#history td.when").First.TextContentAsync()); // the shop's culture (en-GB), Berlin time

        // On a phone: one column, nothing wider than the screen.
        await newcomer.SetViewportSizeAsync(390, 844);
        await newcomer.ReloadAsync();
        await newcomer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "community-390.png"), FullPage = true });
        Assert.True(await newcomer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the community page overflows a 390 px screen");
        Assert.True(await newcomer.Locator("#badges").EvaluateAsync<bool>("e => e.getBoundingClientRect().right <= window.innerWidth"), "the badges card is cut off at 390 px");
        await newcomer.SetViewportSizeAsync(1100, 1300);

        // A refund takes the order's points back.
        await newcomer.GotoAsync("/");
        await newcomer.ClickAsync("#orders button");
        await newcomer.Locator("#flash").WaitForAsync();
        Assert.Contains("Refunded", await newcomer.Locator("#flash").TextContentAsync(), StringComparison.Ordinal);
        await newcomer.GotoAsync("/community");
        // 0: the 89 for the order, and the 10 welcome reward too, since the refunded order was the one that qualified the referral.
        Assert.Equal("0", await newcomer.Locator("#points .balance[data-currency=coins] strong").TextContentAsync());

        // The inviter's tree grew by the newcomer.
        await inviter.ReloadAsync();
        Assert.Contains("Referral reward: Nina's first order", await inviter.Locator("#history td.what").AllTextContentsAsync());
        Assert.Equal(nodesBefore + 1, await inviter.Locator("#invite-tree g.node").CountAsync());
        Assert.Equal(1, await inviter.Locator("#invite-tree g.node[data-name=Nina]").CountAsync());

        // The city filter narrows the leaderboard to Berlin members.
        await inviter.SelectOptionAsync("#city", "Berlin");
        await inviter.WaitForURLAsync(new Regex("city=Berlin"));
        var berlin = await inviter.Locator("#leaderboard tr.leader .name").AllTextContentsAsync();
        Assert.NotEmpty(berlin);
        Assert.All(berlin, m => Assert.Contains(m, new[] { "Lena", "Tom", "Mia", "Ali", "Admin", "Nina" }));
    }
}
