using System.Globalization;
using System.Text.Json;
using System.Net.Http.Json;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Tests;

/// <summary>Display names per culture (badges, levels, tiers, currencies) and the endpoints answering in the request's language.</summary>
public class DisplayNameTests
{
    private const string Base = "/api/community/shop";

    private static void Chinese(WebApplicationBuilder host)
    {
        host.Services.Configure<BadgeOptions>(b =>
        {
            var first = b.Badges.Single(x => x.Id == "first-order");
            first.Description = "Your first order";
            first.DisplayNames["zh"] = "首单";
            first.Descriptions["zh-Hans"] = "你的第一笔订单";
            var family = b.Family("meetups", "Meetup regular", ("Bronze", BadgeCriteria.Count("order.completed", 1)), ("Silver", BadgeCriteria.Count("order.completed", 3))).Families[^1];
            family.DisplayNames["zh-CN"] = "聚会常客";
            family.Levels[0].DisplayNames["zh-CN"] = "铜牌";
        });
        host.Services.Configure<PointsOptions>(p => p.Currencies.Single(c => c.Name == "coins").DisplayNames["zh-CN"] = "金币");
        host.Services.Configure<ScoringOptions>(s => s.Tier("newcomer", t => t.DisplayNames["zh"] = "新人").Tier("regular", t => { t.MinScore = 50; t.DisplayNames["zh"] = "常客"; }));
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Base + path);
        if (language is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
        }

        return await EndpointTests.Json(await client.SendAsync(request));
    }

    [Fact]
    public async Task Badge_level_tier_and_currency_names_follow_Accept_Language_and_fall_back_to_the_defined_name()
    {
        await using var api = await Api.StartAsync(host: Chinese);
        await api.RecordAsync("ann", "order.completed", "o-1", 12);
        var ann = api.Client("ann");

        var zh = await GetAsync(ann, "/me/badges", "zh-CN, en;q=0.8");
        var names = zh.EnumerateArray().Select(b => b.GetProperty("badge")).ToDictionary(b => b.GetProperty("id").GetString()!);
        Assert.Equal("首单", names["first-order"].GetProperty("name").GetString()); // "zh" found through zh-CN's parents
        Assert.Equal("你的第一笔订单", names["first-order"].GetProperty("description").GetString()); // "zh-Hans", the parent of zh-CN
        Assert.Equal("聚会常客 (铜牌)", names["meetups-bronze"].GetProperty("name").GetString());
        Assert.Equal("铜牌", names["meetups-bronze"].GetProperty("levelName").GetString());
        Assert.Equal("first-order", names["first-order"].GetProperty("id").GetString()); // ids never change

        // The client prefers German (by quality) over Chinese: no German names, so the defined ones.
        var de = await GetAsync(ann, "/me/badges", "zh-CN;q=0.5, de-DE");
        Assert.Contains(de.EnumerateArray(), b => b.GetProperty("badge").GetProperty("name").GetString() == "First order");
        var none = await GetAsync(ann, "/me/progress", null);
        Assert.Contains(none.EnumerateArray(), p => p.GetProperty("badge").GetProperty("name").GetString() == "Meetup regular (Silver)");
        var zhProgress = await GetAsync(ann, "/me/progress", "zh-CN");
        Assert.Contains(zhProgress.EnumerateArray(), p => p.GetProperty("badge").GetProperty("name").GetString() == "聚会常客 (Silver)"); // a level without a Chinese name

        var balances = await GetAsync(ann, "/me/balances", "zh-CN");
        var coins = Assert.Single(balances.EnumerateArray());
        Assert.Equal(("coins", "金币"), (coins.GetProperty("currency").GetString(), coins.GetProperty("currencyDisplayName").GetString()));
        Assert.Equal("coins", (await GetAsync(ann, "/me/balances", "en-GB"))[0].GetProperty("currencyDisplayName").GetString());

        var tier = await GetAsync(ann, "/me/tier", "zh-TW"); // zh-TW → zh-Hant → zh
        Assert.Equal(("newcomer", "新人", "regular", "常客"), (tier.GetProperty("tier").GetString(), tier.GetProperty("tierDisplayName").GetString(), tier.GetProperty("nextTier").GetString(), tier.GetProperty("nextTierDisplayName").GetString()));

        // A header that names no culture .NET knows is ignored, not an error.
        Assert.Equal("newcomer", (await GetAsync(ann, "/me/tier", "xx-invalid-!!, *")).GetProperty("tierDisplayName").GetString());

        // The services answer in the current UI culture, off the request path too.
        var badges = api.Services.GetRequiredService<IBadgeService>();
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            Assert.Equal("首单", badges.Definitions.Single(b => b.Id == "first-order").Name);
            Assert.Equal("聚会常客 (铜牌)", (await badges.GetRarityAsync(Api.Shop)).Single(r => r.Badge.Id == "meetups-bronze").Badge.Name);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }

        Assert.Equal("First order", badges.Definitions.Single(b => b.Id == "first-order").Name);
    }

    [Fact]
    public async Task The_hosts_request_localization_decides_the_culture_when_it_has_one()
    {
        await using var api = await Api.StartAsync(host: h =>
        {
            Chinese(h);
            h.Services.Configure<Microsoft.AspNetCore.Builder.RequestLocalizationOptions>(o => o.SetDefaultCulture("en-GB").AddSupportedUICultures("en-GB"));
            h.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RequestLocalizationFirst());
        });
        await api.RecordAsync("ann", "order.completed", "o-1", 12);

        // The host supports only English: its middleware set en-GB, so a Chinese Accept-Language does not change names.
        var badges = await GetAsync(api.Client("ann"), "/me/badges", "zh-CN");
        Assert.Contains(badges.EnumerateArray(), b => b.GetProperty("badge").GetProperty("name").GetString() == "First order");
    }

    [Fact]
    public async Task A_blank_display_name_fails_at_start_naming_where_it_is()
    {
        var failure = await Assert.ThrowsAsync<AggregateException>(() => Api.StartAsync(host: h =>
            h.Services.Configure<BadgeOptions>(b => b.Badges.Single(x => x.Id == "first-post").DisplayNames["zh-CN"] = " ")));
        Assert.Contains(failure.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures), f => f.Contains("'first-post'.DisplayNames[zh-CN]", StringComparison.Ordinal));
    }

    private sealed class RequestLocalizationFirst : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseRequestLocalization();
            next(app);
        };
    }
}
