using CommunitySdk.Shop.Resources;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CommunitySdk.Shop.Pages;

[Authorize]
public sealed class ClubModel(Catalog catalog, ICommunity community, IStringLocalizer<Texts> t) : PageModel
{
    public IReadOnlyList<Meetup> Meetups => catalog.Meetups;

    [TempData]
    public string? Message { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPostAsync(string text, CancellationToken cancellationToken)
    {
        var me = ShopApp.Member(User)!.Value;
        await community.RecordAsync(Activities.Post(ShopApp.Community, me, Guid.NewGuid().ToString("N")), cancellationToken);
        Message = t["Posted."];
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCheckInAsync(string meetupId, CancellationToken cancellationToken)
    {
        var me = ShopApp.Member(User)!.Value;
        if (catalog.Meetups.FirstOrDefault(m => m.Id == meetupId) is not { } meetup)
        {
            return NotFound();
        }

        var outcome = await community.RecordAsync(Activities.CheckIn(ShopApp.Community, me, meetup), cancellationToken);
        Message = outcome.IsDuplicate ? t["You had already checked in."] : t["Checked in to {0}.", t[meetup.Title]];
        return RedirectToPage();
    }
}
