using CommunitySdk.Contests;
using CommunitySdk.Shop.Resources;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CommunitySdk.Shop.Pages;

/// <summary>
/// The tea house's idea contest (Haier style: the shop asks, members propose and vote): the brief, the phase and its
/// end in the member's time zone, the ideas by votes with a vote / take-back button, the member's votes left, what is
/// hot, and the winners once announced. Votes are recorded as the signed-in member through <see cref="IContestService"/>.
/// </summary>
[Authorize]
public sealed class IdeasModel(IContestService contests, IMemberDirectory directory, IStringLocalizer<Texts> t) : PageModel
{
    public ContestInfo Contest { get; private set; } = null!;

    public IReadOnlyList<(ContestEntry Entry, string Authors, bool VotedFor)> Entries { get; private set; } = [];

    public IReadOnlyList<(ContestEntry Entry, string Authors)> Hot { get; private set; } = [];

    public IReadOnlyList<(ContestWinner Winner, string Authors)> Winners { get; private set; } = [];

    public int? VotesLeft { get; private set; }

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var me = ShopApp.Member(User)!.Value;
        Zone = ShopApp.TimeZoneOf(await directory.GetAsync(ShopApp.Community, me, cancellationToken));
        Contest = await contests.GetAsync(ShopApp.Community, ShopApp.IdeaContest, cancellationToken);
        var mine = await contests.VotesOfAsync(ShopApp.Community, ShopApp.IdeaContest, me, cancellationToken);
        VotesLeft = mine.Remaining;
        var voted = mine.Votes.Where(v => v.Status != VoteStatus.Voided).Select(v => v.Entry).ToHashSet(StringComparer.Ordinal);
        var entries = new List<(ContestEntry, string, bool)>();
        foreach (var entry in await contests.RankingAsync(ShopApp.Community, ShopApp.IdeaContest, 0, 50, cancellationToken))
        {
            entries.Add((entry, await AuthorsAsync([entry.Author, .. entry.CoAuthors], cancellationToken), voted.Contains(entry.Id)));
        }

        Entries = entries;
        var hot = new List<(ContestEntry, string)>();
        foreach (var item in await contests.HotAsync(ShopApp.Community, ShopApp.IdeaContest, 3, cancellationToken))
        {
            hot.Add((item.Entry, await AuthorsAsync([item.Entry.Author], cancellationToken)));
        }

        Hot = hot;
        var winners = new List<(ContestWinner, string)>();
        foreach (var winner in Contest.Winners)
        {
            winners.Add((winner, await AuthorsAsync(winner.Authors, cancellationToken)));
        }

        Winners = winners;
    }

    public Task<IActionResult> OnPostVoteAsync(string entry, CancellationToken cancellationToken) => ActAsync(async me =>
    {
        var outcome = await contests.VoteAsync(ShopApp.Community, ShopApp.IdeaContest, entry, me, 1, $"vote:{me}:{entry}:{Guid.NewGuid():N}", cancellationToken);
        return outcome.EffectsOf<VoteCast>().Single().Status == VoteStatus.Held ? t["Your vote waits for a moderator."] : t["Your vote is in."];
    });

    public Task<IActionResult> OnPostUnvoteAsync(string entry, CancellationToken cancellationToken) => ActAsync(async me =>
    {
        await contests.UnvoteAsync(ShopApp.Community, ShopApp.IdeaContest, entry, me, $"unvote:{me}:{entry}:{Guid.NewGuid():N}", cancellationToken);
        return t["Your vote was taken back."];
    });

    public Task<IActionResult> OnPostSubmitAsync(string title, CancellationToken cancellationToken) => ActAsync(async me =>
    {
        await contests.SubmitAsync(ShopApp.Community, ShopApp.IdeaContest, me, new EntrySubmission { Title = title ?? string.Empty, IdempotencyKey = $"idea:{me}:{Guid.NewGuid():N}" }, cancellationToken);
        return t["Thank you for your idea."];
    });

    private async Task<IActionResult> ActAsync(Func<MemberId, Task<LocalizedString>> act)
    {
        try
        {
            Message = await act(ShopApp.Member(User)!.Value);
        }
        catch (CommunityValidationException ex)
        {
            // The SDK names the field and the reason (in English); the shop says it in the member's language.
            Message = ex.Field switch
            {
                "contest" => t["The contest is not open for that now."],
                "title" => t["Give your idea a title (up to 120 characters)."],
                "member" => t["You cannot enter another idea."],
                _ => t["You have no votes left, or already voted for this idea."],
            };
        }

        return RedirectToPage();
    }

    private async Task<string> AuthorsAsync(IReadOnlyList<MemberId> authors, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var author in authors)
        {
            names.Add((await directory.GetAsync(ShopApp.Community, author, cancellationToken))?.DisplayName ?? t["Former member"]);
        }

        return string.Join(", ", names);
    }
}
