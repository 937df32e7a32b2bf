using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CommunitySdk.Shop.Pages;

[Authorize]
public sealed class CommunityModel(
    IScoringService scoring,
    IBadgeService badges,
    IPointsService points,
    IReferralService referrals,
    IInviteGraph graph,
    IMemberDirectory directory,
    NotificationFeed feed,
    ITierService tiers,
    ICommunity community,
    Catalog catalog) : PageModel
{
    public static readonly IReadOnlyList<(string Board, string Label)> Boards = [("day", "Today"), ("week", "This week"), ("score", "Overall")];

    /// <summary>What the selected board ranks and over which window, in words.</summary>
    public string BoardDescription => Board switch
    {
        "day" => $"{scoring.PointsBoardCurrency} earned today",
        "week" => $"{scoring.PointsBoardCurrency} earned this week (since Monday)",
        _ => $"overall score: recent activity counts most (half-life {scoring.HalfLife.TotalDays:0} days)",
    };

    /// <summary>Operator insights (where to hold the next meetup) are for admins, not customers.</summary>
    public bool IsOperator => User.IsInRole("admin");

    public MemberId Me { get; private set; }

    public string Board { get; private set; } = "week";

    public string? City { get; private set; }

    public IReadOnlyList<string> Cities => catalog.Cities;

    public IReadOnlyList<(LeaderboardEntry Entry, string Name)> Leaders { get; private set; } = [];

    public LeaderboardEntry? MyRank { get; private set; }

    public IReadOnlyList<MemberBadge> Badges { get; private set; } = [];

    public IReadOnlyList<BadgeProgress> Progress { get; private set; } = [];

    public IReadOnlyList<PointsBalance> Balances { get; private set; } = [];

    /// <summary>The points history in words, with who and why, in the shop's time zone and culture.</summary>
    public IReadOnlyList<(string When, string What, string Amount)> HistoryLines { get; private set; } = [];

    public string InviteCode { get; private set; } = "";

    public string TreeSvg { get; private set; } = "";

    public int Descendants { get; private set; }

    public IReadOnlyList<SegmentActivity> CityRanking { get; private set; } = [];

    public IReadOnlyList<string> Feed { get; private set; } = [];

    /// <summary>The member's own row when it is not among the top shown.</summary>
    public (LeaderboardEntry Entry, string Name)? PinnedMe { get; private set; }

    /// <summary>Share of members holding each badge, by badge id.</summary>
    public IReadOnlyDictionary<string, double> Rarity { get; private set; } = new Dictionary<string, double>();

    public TierProgress? Tier { get; private set; }

    /// <summary>The absolute invite link.</summary>
    public string InviteLink => $"{Request.Scheme}://{Request.Host}/signup?code={InviteCode}";

    /// <summary>Up to two initials of a display name, for the avatar.</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));

    /// <summary>Progress in words from the badge definition: "1 of 5 orders".</summary>
    public static string InWords(BadgeProgress progress) =>
        $"{progress.Current:0.#} of {progress.Target:0.#} {Nouns.GetValueOrDefault(progress.Unit, progress.Unit)}";

    private static readonly Dictionary<string, string> RuleWords = new(StringComparer.Ordinal)
    {
        ["order.completed"] = "Order", ["post.created"] = "Post in the club", ["meetup.attended"] = "Meetup", ["member.joined"] = "Joining",
    };

    /// <summary>
    /// Each ledger entry in words: the rule or the referral behind it, naming the friend whose order paid a referral
    /// reward (the activity the entry was written with) and the inviter of a welcome reward.
    /// </summary>
    private async Task<IReadOnlyList<(string, string, string)>> DescribeAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        var shop = ShopApp.Community;
        var sources = (await community.GetHistoryAsync(shop, Me, new ActivityPageRequest(PageSize: 100), cancellationToken)).Items.ToDictionary(a => a.ActivityId);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(ShopApp.TimeZone);
        var lines = new List<(string, string, string)>();
        foreach (var entry in entries)
        {
            var who = sources.TryGetValue(entry.ActivityId, out var source) && source.Activity.Member != Me
                ? (await directory.GetAsync(shop, source.Activity.Member, cancellationToken))?.DisplayName
                : null;
            var what = entry.Reason switch
            {
                "referral reward, level 1" => $"Referral reward: {who ?? "a friend"}'s first order",
                { } r when r.StartsWith("referral reward, level ", StringComparison.Ordinal) => $"Referral reward: an order by a friend of {who ?? "a friend"}",
                "referral: welcome reward" => $"Welcome reward for joining through {await InviterNameAsync(cancellationToken)}",
                { } r when r.StartsWith("rule ", StringComparison.Ordinal) => RuleWords.GetValueOrDefault(r[5..], r[5..]),
                { } r => r,
            };
            if (entry.Kind != "Awarded")
            {
                what = $"{entry.Kind}: {what}";
            }

            var when = TimeZoneInfo.ConvertTime(entry.CreatedAt, zone).ToString("d MMM yyyy, HH:mm", ShopApp.Culture);
            lines.Add((when, what, $"{entry.Amount.ToString("+0.##;-0.##", ShopApp.Culture)} {entry.Currency}"));
        }

        return lines;
    }

    private async Task<string> InviterNameAsync(CancellationToken cancellationToken) =>
        await referrals.GetReferralAsync(ShopApp.Community, Me, cancellationToken) is { } referral
            ? (await directory.GetAsync(ShopApp.Community, referral.Inviter, cancellationToken))?.DisplayName ?? "a friend"
            : "a friend";

    private static readonly Dictionary<string, string> Nouns = new(StringComparer.Ordinal)
    {
        ["order.completed"] = "orders", ["post.created"] = "posts", ["meetup.attended"] = "meetups",
        ["qualified referrals"] = "friends who ordered",
    };

    public async Task OnGetAsync(string? board, string? city, CancellationToken cancellationToken)
    {
        var shop = ShopApp.Community;
        Me = ShopApp.Member(User)!.Value;
        Board = Boards.Any(b => b.Board == board) ? board! : "week";
        City = Cities.Contains(city ?? "") ? city : null;
        var key = new LeaderboardKey(Board switch { "day" => LeaderboardKind.PointsDay, "score" => LeaderboardKind.Score, _ => LeaderboardKind.PointsWeek }, City);

        var leaders = new List<(LeaderboardEntry, string)>();
        foreach (var entry in await scoring.TopAsync(shop, key, 10, cancellationToken))
        {
            leaders.Add((entry, (await directory.GetAsync(shop, entry.Member, cancellationToken))?.DisplayName ?? "Former member"));
        }

        Leaders = leaders;
        MyRank = await scoring.RankAsync(shop, key, Me, cancellationToken);
        if (MyRank is { } mine && !leaders.Any(l => l.Item1.Member == Me))
        {
            PinnedMe = (mine, (await directory.GetAsync(shop, Me, cancellationToken))?.DisplayName ?? Me.Value);
        }

        Rarity = (await badges.GetRarityAsync(shop, cancellationToken)).ToDictionary(r => r.Badge.Id, r => r.Share);
        Tier = await tiers.GetProgressAsync(shop, Me, cancellationToken);
        Badges = (await badges.GetBadgesAsync(shop, Me, cancellationToken)).Where(b => b.Displayed && !b.Revoked).ToList();
        var held = Badges.Select(b => b.Badge.Id).ToHashSet();
        Progress = (await badges.GetProgressAsync(shop, Me, cancellationToken)).Where(p => !held.Contains(p.Badge.Id) && !p.Badge.ManualOnly).ToList();
        Balances = await points.GetBalancesAsync(shop, Me, cancellationToken);
        var ledger = await points.GetHistoryAsync(shop, Me, new LedgerPageRequest(PageSize: 10), cancellationToken);
        HistoryLines = await DescribeAsync(ledger.Items, cancellationToken);
        InviteCode = (await referrals.GetCodeAsync(shop, Me, cancellationToken))?.Code ?? "";
        var tree = await InviteTrees.BuildAsync(graph, directory, shop, Me, depth: 3, cancellationToken);
        Descendants = tree.Descendants;
        TreeSvg = InviteTreeSvg.Render(tree);
        CityRanking = IsOperator ? await scoring.SegmentRankingAsync(shop, cancellationToken) : [];
        Feed = feed.For(Me);
    }
}
