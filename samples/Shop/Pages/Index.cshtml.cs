using System.Globalization;
using CommunitySdk.Points;
using CommunitySdk.Shop.Resources;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CommunitySdk.Shop.Pages;

public sealed class IndexModel(Catalog catalog, OrderBook orders, ICommunity community, IPointsService points, TimeProvider time, IStringLocalizer<Texts> t) : PageModel
{
    public Catalog Catalog => catalog;

    public IReadOnlyList<Order> Orders { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public void OnGet()
    {
        if (ShopApp.Member(User) is { } me)
        {
            Orders = orders.Of(me);
        }
    }

    public async Task<IActionResult> OnPostBuyAsync(string productId, CancellationToken cancellationToken)
    {
        if (ShopApp.Member(User) is not { } me)
        {
            return Challenge();
        }

        if (catalog.Find(productId) is not { } product)
        {
            return NotFound();
        }

        var order = orders.Add(me, product, time.GetUtcNow());
        var outcome = await community.RecordAsync(Activities.Order(ShopApp.Community, me, order), cancellationToken);
        var earned = outcome.EffectsOf<PointsAwarded>().Where(a => a.Member == me).Sum(a => a.Amount);
        var coins = (await points.GetBalanceAsync(ShopApp.Community, me, "coins", cancellationToken)).CurrencyDisplayName;
        Message = t["Thank you! You earned {0} {1}.", earned.ToString("0.##", CultureInfo.CurrentCulture), coins];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRefundAsync(string orderId, CancellationToken cancellationToken)
    {
        if (ShopApp.Member(User) is not { } me)
        {
            return Challenge();
        }

        if (orders.Find(orderId) is not { } order || order.Member != me)
        {
            return NotFound();
        }

        await points.ReverseAsync(ShopApp.Community, me, order.Key, "refund", $"refund:{order.Id}", cancellationToken);
        order.Refunded = true;
        Message = t["Refunded; the order's points were taken back."];
        return RedirectToPage();
    }
}
