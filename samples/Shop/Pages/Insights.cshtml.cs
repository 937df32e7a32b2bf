using CommunitySdk.Scoring;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CommunitySdk.Shop.Pages;

/// <summary>Operator insights, for admins only: where to hold the next meetup (cities by recently active members).</summary>
[Authorize(Policy = "community-admin")]
public sealed class InsightsModel(IScoringService scoring) : PageModel
{
    public IReadOnlyList<SegmentActivity> CityRanking { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        CityRanking = await scoring.SegmentRankingAsync(ShopApp.Community, cancellationToken);
}
