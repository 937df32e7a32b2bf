using System.Globalization;
using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Shop.Resources;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using QRCoder;

namespace CommunitySdk.Shop.Pages;

/// <summary>
/// The member's community page, in the request's language: boards with names and "you", badges with icon, grade,
/// description, date and rarity, progress and the points history in words, the tier, and the invite tree and share panel.
/// </summary>
[Authorize]
public sealed class CommunityModel(
    IScoringService scoring,
    IBadgeService badges,
    IPointsService points,
    IReferralService referrals,
    IOptions<ReferralOptions> referralOptions,
    IInviteGraph graph,
    IMemberDirectory directory,
    NotificationFeed feed,
    ITierService tiers,
    ICommunity community,
    Catalog catalog,
    IStringLocalizer<Texts> t) : PageModel
{
    /// <summary>The boards: query value and label (a key of the shop's texts).</summary>
    public static readonly IReadOnlyList<(string Board, string Label)> Boards = [("day", "Today"), ("week", "This week"), ("score", "Overall")];

    /// <summary>Levels of the invite tree drawn by default; deeper branches show as "+n more".</summary>
    public const int TreeLevels = 2;

    /// <summary>Levels drawn when the member asks for all of them.</summary>
    public const int AllTreeLevels = 4;

    /// <summary>What the selected board ranks and over which window, in words.</summary>
    public string BoardDescription
    {
        get
        {
            var currency = Balances.FirstOrDefault(b => b.Currency == scoring.PointsBoardCurrency)?.CurrencyDisplayName ?? scoring.PointsBoardCurrency ?? "";
            string what = Board switch
            {
                "day" => t["{0} earned today", currency],
                "week" => t["{0} earned this week (since Monday)", currency],
                _ => t["overall score: recent activity counts most (half-life {0} days)", scoring.HalfLife.TotalDays.ToString("0", CultureInfo.CurrentCulture)],
            };
            return City is { } city ? t["Ranks {0}, members in {1}.", what, t[city]] : t["Ranks {0}.", what];
        }
    }

    public MemberId Me { get; private set; }

    public string Board { get; private set; } = "week";

    public string? City { get; private set; }

    public IReadOnlyList<string> Cities => catalog.Cities;

    public IReadOnlyList<(LeaderboardEntry Entry, string Name)> Leaders { get; private set; } = [];

    public LeaderboardEntry? MyRank { get; private set; }

    public IReadOnlyList<MemberBadge> Badges { get; private set; } = [];

    public IReadOnlyList<BadgeProgress> Progress { get; private set; } = [];

    public IReadOnlyList<PointsBalance> Balances { get; private set; } = [];

    /// <summary>The points history in words, with who and why, in the member's time zone and the request's culture.</summary>
    public IReadOnlyList<(string When, string What, string Amount)> HistoryLines { get; private set; } = [];

    public string InviteCode { get; private set; } = "";

    /// <summary>The invite tree (SVG).</summary>
    public string TreeSvg { get; private set; } = "";

    /// <summary>Whether every level of the tree is drawn.</summary>
    public bool FullTree { get; private set; }

    /// <summary>The invite link as a QR code (SVG).</summary>
    public string QrSvg { get; private set; } = "";

    public int Descendants { get; private set; }

    /// <summary>The "you earned ..." banners, in words.</summary>
    public IReadOnlyList<(string Id, string Text)> Feed { get; private set; } = [];

    /// <summary>The member's own row when it is not among the top shown.</summary>
    public (LeaderboardEntry Entry, string Name)? PinnedMe { get; private set; }

    /// <summary>Share of members holding each badge, by badge id.</summary>
    public IReadOnlyDictionary<string, double> Rarity { get; private set; } = new Dictionary<string, double>();

    public TierProgress? Tier { get; private set; }

    /// <summary>What a friend who joins with the link gets when they order ("10 coins").</summary>
    public string InviteeRewardText => Reward(referralOptions.Value.InviteeReward);

    /// <summary>What the member gets when that friend orders.</summary>
    public string InviterRewardText => Reward(referralOptions.Value.InviterReward);

    private string Reward(decimal amount) =>
        $"{amount.ToString("0.##", CultureInfo.CurrentCulture)} {Balances.FirstOrDefault(b => b.Currency == referralOptions.Value.RewardCurrency)?.CurrencyDisplayName ?? referralOptions.Value.RewardCurrency}";

    /// <summary>The absolute invite link.</summary>
    public string InviteLink => $"{Request.Scheme}://{Request.Host}/signup?code={InviteCode}";

    /// <summary>Up to two initials of a display name, for the avatar.</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => w[..StringInfo.GetNextTextElementLength(w)].ToUpper(CultureInfo.InvariantCulture)));

    /// <summary>Progress in words from the badge definition: "1 of 5 orders".</summary>
    public string InWords(BadgeProgress progress)
    {
        var (current, target) = (progress.Current.ToString("0.#", CultureInfo.CurrentCulture), progress.Target.ToString("0.#", CultureInfo.CurrentCulture));
        return progress.Unit switch
        {
            "order.completed" => t["{0} of {1} orders", current, target],
            "post.created" => t["{0} of {1} posts", current, target],
            "meetup.attended" => t["{0} of {1} meetups", current, target],
            "qualified referrals" => t["{0} of {1} friends who ordered", current, target],
            _ => t["{0} of {1} {2}", current, target, Balances.FirstOrDefault(b => b.Currency == progress.Unit)?.CurrencyDisplayName ?? progress.Unit],
        };
    }

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
        var zone = ShopApp.TimeZoneOf(await directory.GetAsync(shop, Me, cancellationToken));
        var currencies = Balances.ToDictionary(b => b.Currency, b => b.CurrencyDisplayName);
        var lines = new List<(string, string, string)>();
        foreach (var entry in entries)
        {
            var who = sources.TryGetValue(entry.ActivityId, out var source) && source.Activity.Member != Me
                ? (await directory.GetAsync(shop, source.Activity.Member, cancellationToken))?.DisplayName
                : null;
            string what = entry.Reason switch
            {
                "referral reward, level 1" => t["Referral reward: {0}'s first order", who ?? t["a friend"]],
                { } r when r.StartsWith("referral reward, level ", StringComparison.Ordinal) => t["Referral reward: an order by a friend of {0}", who ?? t["a friend"]],
                "referral: welcome reward" => t["Welcome reward for joining through {0}", await InviterNameAsync(cancellationToken)],
                { } r when r.StartsWith("rule ", StringComparison.Ordinal) => RuleWords.TryGetValue(r[5..], out var words) ? t[words] : r[5..],
                { } r => r,
            };
            if (entry.Kind != "Awarded")
            {
                what = t["{0}: {1}", t[entry.Kind], what];
            }

            // The date format is one of the texts: "d MMM yyyy, HH:mm" in English, "yyyy年M月d日 HH:mm" in Chinese.
            var when = TimeZoneInfo.ConvertTime(entry.CreatedAt, zone).ToString(t["d MMM yyyy, HH:mm"], CultureInfo.CurrentCulture);
            lines.Add((when, what, $"{entry.Amount.ToString("+0.##;-0.##", CultureInfo.CurrentCulture)} {currencies.GetValueOrDefault(entry.Currency, entry.Currency)}"));
        }

        return lines;
    }

    private async Task<string> InviterNameAsync(CancellationToken cancellationToken) =>
        await referrals.GetReferralAsync(ShopApp.Community, Me, cancellationToken) is { } referral
            ? (await directory.GetAsync(ShopApp.Community, referral.Inviter, cancellationToken))?.DisplayName ?? t["a friend"]
            : t["a friend"];

    /// <summary>The invite tree in words: each invitee's referral status and what it paid the viewer (the level's share of the inviter reward).</summary>
    private async Task<InviteView> ViewAsync(InviteTreeNode node, int depth, int levels, CancellationToken cancellationToken)
    {
        var children = new List<InviteView>();
        if (depth < levels)
        {
            foreach (var child in node.Invitees)
            {
                children.Add(await ViewAsync(child, depth + 1, levels, cancellationToken));
            }
        }

        var hidden = depth < levels ? node.Descendants - node.Invitees.Sum(i => i.Descendants + 1) : node.Descendants;
        if (depth == 0)
        {
            return new InviteView(t["You"], "", "", "", children, Math.Max(0, hidden));
        }

        var referral = node.Member is { } id ? await referrals.GetReferralAsync(ShopApp.Community, new MemberId(id), cancellationToken) : null;
        var status = referral?.Status ?? ReferralStatus.Joined;
        var options = referralOptions.Value;
        var reward = "";
        if (status == ReferralStatus.Rewarded && depth <= options.LevelShares.Count)
        {
            var amount = options.InviterReward * options.LevelShares[depth - 1];
            var currency = Balances.FirstOrDefault(b => b.Currency == options.RewardCurrency)?.CurrencyDisplayName ?? options.RewardCurrency;
            reward = $"+{amount.ToString("0.##", CultureInfo.CurrentCulture)} {currency}";
        }

        return new InviteView(node.Name, t[StatusWords[status]], status.ToString().ToLowerInvariant(), reward, children, Math.Max(0, hidden));
    }

    /// <summary>Tier requirements in words, by the name the SDK gives them (keys of the shop's texts).</summary>
    public static readonly IReadOnlyDictionary<string, string> RequirementWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["score"] = "Engagement score",
    };

    /// <summary>A referral's status in words (keys of the shop's texts).</summary>
    public static readonly IReadOnlyDictionary<ReferralStatus, string> StatusWords = new Dictionary<ReferralStatus, string>
    {
        [ReferralStatus.Joined] = "Joined, no order yet",
        [ReferralStatus.Held] = "Under review",
        [ReferralStatus.Rewarded] = "Rewarded",
        [ReferralStatus.Rejected] = "Not rewarded",
        [ReferralStatus.Reversed] = "Reward taken back",
    };

    public async Task OnGetAsync(string? board, string? city, string? tree, CancellationToken cancellationToken)
    {
        var shop = ShopApp.Community;
        Me = ShopApp.Member(User)!.Value;
        Board = Boards.Any(b => b.Board == board) ? board! : "week";
        City = Cities.Contains(city ?? "") ? city : null;
        FullTree = tree == "all";
        var key = new LeaderboardKey(Board switch { "day" => LeaderboardKind.PointsDay, "score" => LeaderboardKind.Score, _ => LeaderboardKind.PointsWeek }, City);

        var leaders = new List<(LeaderboardEntry, string)>();
        foreach (var entry in await scoring.TopAsync(shop, key, 10, cancellationToken))
        {
            leaders.Add((entry, (await directory.GetAsync(shop, entry.Member, cancellationToken))?.DisplayName ?? t["Former member"]));
        }

        Leaders = leaders;
        MyRank = await scoring.RankAsync(shop, key, Me, cancellationToken);
        if (MyRank is { } mine && !leaders.Any(l => l.Item1.Member == Me))
        {
            PinnedMe = (mine, (await directory.GetAsync(shop, Me, cancellationToken))?.DisplayName ?? Me.Value);
        }

        // The SDK answers in the request's UI culture: badge, tier and currency names come back in Chinese for zh-CN.
        Balances = await points.GetBalancesAsync(shop, Me, cancellationToken);
        Rarity = (await badges.GetRarityAsync(shop, cancellationToken)).ToDictionary(r => r.Badge.Id, r => r.Share);
        Tier = await tiers.GetProgressAsync(shop, Me, cancellationToken);
        Badges = (await badges.GetBadgesAsync(shop, Me, cancellationToken)).Where(b => b.Displayed && !b.Revoked).ToList();
        var held = Badges.Select(b => b.Badge.Id).ToHashSet();
        Progress = (await badges.GetProgressAsync(shop, Me, cancellationToken)).Where(p => !held.Contains(p.Badge.Id) && !p.Badge.ManualOnly).ToList();
        var ledger = await points.GetHistoryAsync(shop, Me, new LedgerPageRequest(PageSize: 10), cancellationToken);
        HistoryLines = await DescribeAsync(ledger.Items, cancellationToken);
        InviteCode = (await referrals.GetCodeAsync(shop, Me, cancellationToken))?.Code ?? "";

        var levels = FullTree ? AllTreeLevels : TreeLevels;
        var root = await InviteTrees.BuildAsync(graph, directory, shop, Me, depth: levels, cancellationToken);
        Descendants = root.Descendants;
        var view = await ViewAsync(root, 0, levels, cancellationToken);
        TreeSvg = InviteTreeSvg.Render(view, t["Invite tree: {0} people joined through you", Descendants], n => t["+{0} more", n]);
        QrSvg = Qr(InviteLink);

        var names = badges.Definitions.ToDictionary(b => b.Id, b => b.Name);
        Feed = feed.For(Me).Select(i => (i.Id, (string)t["You earned the badge “{0}”.", names.GetValueOrDefault(i.BadgeId, i.BadgeId)])).ToList();
    }

    /// <summary>Dismisses one "you earned ..." banner.</summary>
    public IActionResult OnPostDismiss(string id)
    {
        feed.Dismiss(ShopApp.Member(User)!.Value, id ?? "");
        return RedirectToPage();
    }

    /// <summary>The link as a QR code: an SVG scaled by its view box (QRCoder).</summary>
    private static string Qr(string link)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(link, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
