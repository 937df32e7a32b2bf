// CommunitySdk quickstart: wire the SDK, simulate a small community for a few weeks on a fake clock,
// print what happened. Run: dotnet run --project samples/Quickstart
using CommunitySdk;
using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Quickstart;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

// 1. A clock we control, so weeks pass in milliseconds. A real app leaves TimeProvider.System in place.
var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

// 2. Register the SDK in an ordinary service collection: one sentence of configuration. The community log
//    lives in SQLite, a file next to the app (started fresh on each run, so the demo is the same every time).
var database = Path.Combine(AppContext.BaseDirectory, "quickstart.db");
foreach (var file in new[] { database, database + "-wal", database + "-shm" })
{
    File.Delete(file);
}

var services = new ServiceCollection();
services.AddSingleton<TimeProvider>(clock);
services.AddCommunitySdk(o => o.Community("demo-shop", c => c.TimeZone = "Asia/Shanghai"))
        .AddPoints(p => p
            // Reputation: earned by taking part, at most 30 a day from posts; meetups are exempt from the cap.
            .Currency("reputation", configure: c => c.DailyCap = 30)
            .Rule("post.created", amount: 10, currency: "reputation")
            .Rule("meetup.attended", amount: 25, currency: "reputation", configure: r => r.ExemptFromCurrencyCap = true)
            // Coins: 1 per 10 spent, held 7 days (the return window), expiring at the end of the year.
            .Currency("coins", spendable: true, c => { c.PendingDays = 7; c.Expiry = ExpiryMode.EndOfYear; })
            .Rule("order.completed", perUnit: 0.1m, currency: "coins"))
        // Referrals: a first order of 50 or more within 30 days rewards both sides; the inviter's inviter gets half.
        .AddReferrals(r =>
        {
            r.RewardBoth(inviter: 30, invitee: 10, currency: "coins").MaxRewardLevels(2);
            r.QualifyingMinimumValue = 50;
        })
        // Scoring: engagement halves every 14 days; invitees' engagement counts for their inviters; three tiers.
        .AddScoring(s =>
        {
            s.LeaderboardCurrency = "reputation"; // the day, week and month boards rank reputation
            s.HalfLife(TimeSpan.FromDays(14))
             .Weight("post.created", 2)
             .Weight("order.completed", 1, perUnitOfValue: 0.01)
             .Weight("meetup.attended", 5)
             .Tier("newcomer")
             .Tier("regular", t => t.MinScore = 10)
             .Tier("pillar", t => { t.MinScore = 40; t.MinActivities["meetup.attended"] = 3; });
        })
        // Badges: a meetup family, a posting streak, a connector badge and an honour.
        .AddBadges(b => b
            .Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1))
            .Badge("three-day-streak", "Three days in a row", BadgeCriteria.Streak("post.created", 3), d => d.Grade = BadgeGrade.Silver)
            .Badge("connector", "Connector", BadgeCriteria.QualifiedReferrals(2), d => d.Grade = BadgeGrade.Gold)
            .Badge("big-spender", "Big spender", BadgeCriteria.PointsEarned("coins", 100), d => d.AutoRevoke = true)
            .Honour("popcorn", "Popcorn award")
            .Honour("inventor", "Inventor", d => d.Grade = BadgeGrade.Gold)
            .Family("meetups", "Meetup regular",
                ("Bronze", BadgeCriteria.Count("meetup.attended", 1)),
                ("Silver", BadgeCriteria.Count("meetup.attended", 3)),
                ("Gold", BadgeCriteria.DistinctValues("meetup.attended", 6))))
        // Contests: after the four weeks, an idea contest (Haier style): a week for ideas, a week of voting, three
        // votes per member, prizes and an honour for the two best.
        .AddContests(c => c.Contest("quiet-washer", "A quieter washing machine",
            new DateTime(2026, 3, 25), new DateTime(2026, 4, 5), new DateTime(2026, 4, 12), d =>
            {
                d.Voting = VotingMode.LimitedPerContest;
                d.Winners = 2;
                d.PrizeCurrency = "coins";
                d.Prizes.Add(100);
                d.Prizes.Add(50);
                d.HonourBadge = "inventor";
            }))
        .UseSqlite($"Data Source={database}");
await using var provider = services.BuildServiceProvider();

var community = provider.GetRequiredService<ICommunity>();
var members = provider.GetRequiredService<IMemberDirectory>();
var points = provider.GetRequiredService<IPointsService>();
var referrals = provider.GetRequiredService<IReferralService>();
var graph = provider.GetRequiredService<IInviteGraph>();
var scores = provider.GetRequiredService<IScoringService>();
var badges = provider.GetRequiredService<IBadgeService>();
var shop = new CommunityId("demo-shop");

// 3. Simulate four weeks: members join, post, buy and meet up; the network sometimes retries a request.
var simulation = new Simulation(community, members, points, referrals, clock, shop, seed: 2026);
await simulation.RunAsync(members: 300, days: 28);

// 4. Report.
Console.WriteLine("CommunitySdk quickstart — a small community over 4 simulated weeks");
Console.WriteLine(new string('=', 64));
Console.WriteLine($"Members joined:           {await members.CountAsync(shop)}");
Console.WriteLine($"Activities recorded:      {simulation.Recorded}");
Console.WriteLine($"Retries answered safely:  {simulation.Retries} (same idempotency key, first outcome returned, nothing counted twice)");
Console.WriteLine($"Rejected bad input:       {simulation.Rejected} (typed CommunityValidationException, nothing written)");
Console.WriteLine();
Console.WriteLine("Members by city:");
var all = new List<MemberInfo>();
for (var skip = 0; ; skip += 500)
{
    var page = await members.ListAsync(shop, skip, 500);
    all.AddRange(page);
    if (page.Count < 500)
    {
        break;
    }
}

foreach (var city in all.GroupBy(m => m.City ?? "(none)").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {city.Key,-12} {city.Count(),4}");
}

Console.WriteLine();
Console.WriteLine("Points");
Console.WriteLine($"  Daily reputation cap at work: {simulation.CappedAwards} awards cut, {simulation.WithheldByCap} reputation withheld");
Console.WriteLine($"  Vouchers bought with coins:  {simulation.Spends}");
Console.WriteLine($"  Orders refunded:             {simulation.Refunds} ({simulation.RefundedCoins} coins taken back)");
var standings = new List<(MemberInfo Member, PointsBalance Reputation, PointsBalance Coins)>();
foreach (var member in all)
{
    var balances = await points.GetBalancesAsync(shop, member.Member);
    standings.Add((member, balances[0], balances[1]));
}

Console.WriteLine("  Top members by reputation:");
foreach (var (member, reputation, coins) in standings.OrderByDescending(s => s.Reputation.Total).ThenBy(s => s.Member.Member.Value, StringComparer.Ordinal).Take(5))
{
    Console.WriteLine($"    {member.Member,-12} {member.City,-10} reputation {reputation.Total,5}   coins {coins.Total,4} ({coins.Available} spendable, {coins.Pending} pending)");
}

Console.WriteLine();
Console.WriteLine("Referrals");
var statuses = new Dictionary<ReferralStatus, int>();
var deepest = (Member: default(MemberId), Depth: 0);
foreach (var member in all)
{
    if (await referrals.GetReferralAsync(shop, member.Member) is { } referral)
    {
        statuses[referral.Status] = statuses.GetValueOrDefault(referral.Status) + 1;
    }

    var depth = await graph.GetDepthAsync(shop, member.Member);
    if (depth > deepest.Depth)
    {
        deepest = (member.Member, depth);
    }
}

Console.WriteLine($"  Joined through a friend:     {statuses.Values.Sum()} ({string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} {s.Key.ToString().ToLowerInvariant()}"))})");
Console.WriteLine($"  Longest invite chain:        {deepest.Depth} levels, down to {deepest.Member}");
var top = await graph.GetTopInvitersAsync(shop, 3);
Console.WriteLine($"  Top inviters (rewarded invitees): {string.Join(", ", top.Select(t => $"{t.Inviter} {t.Qualified}"))}");
if (top.Count > 0)
{
    Console.WriteLine($"  {top[0].Inviter}'s invite tree ({await graph.GetDescendantCountAsync(shop, top[0].Inviter)} below them):");
    await PrintTreeAsync(top[0].Inviter, "    ", 0);
}

Console.WriteLine();
Console.WriteLine("Scoring");
var board = new LeaderboardKey(LeaderboardKind.Score);
Console.WriteLine($"  Leaderboard (decayed score, {await scores.SizeAsync(shop, board)} members):");
foreach (var entry in await scores.TopAsync(shop, board, 5))
{
    var explanation = await scores.ExplainAsync(shop, entry.Member);
    Console.WriteLine($"    #{entry.Rank} {entry.Member,-12} {entry.Score,7:0.0}  tier {explanation.Tier,-9} network {explanation.Network,6:0.0}");
}

var weekly = await scores.TopAsync(shop, new LeaderboardKey(LeaderboardKind.PointsWeek, Segment: "Beijing", At: clock.GetUtcNow().AddDays(-1)), 3);
Console.WriteLine($"  Beijing, coins earned in the last simulated week: {string.Join(", ", weekly.Select(e => $"{e.Member} {e.Score}"))}");
var tiers = new Dictionary<string, int>();
foreach (var member in all)
{
    var tier = (await scores.ExplainAsync(shop, member.Member)).Tier;
    tiers[tier] = tiers.GetValueOrDefault(tier) + 1;
}

Console.WriteLine($"  Tiers: {string.Join(", ", tiers.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Value} {t.Key}"))}");
Console.WriteLine($"  Where to hold the next meetup (members active in 30 days): {string.Join(", ", (await scores.SegmentRankingAsync(shop)).Take(3).Select(s => $"{s.Segment} {s.ActiveMembers}"))}");
Console.WriteLine($"  Top-100 cohort changes over the month: {(await scores.CohortHistoryAsync(shop)).Count}");
var mostTied = (Member: default(MemberId), Ties: 0);
foreach (var member in all)
{
    var ties = (await scores.StrongTiesAsync(shop, member.Member)).Count;
    if (ties > mostTied.Ties)
    {
        mostTied = (member.Member, ties);
    }
}

Console.WriteLine($"  Strongest connector (3+ shared meetups): {mostTied.Member} with {mostTied.Ties} strong ties");

Console.WriteLine();
Console.WriteLine("Badges");
await badges.GrantAsync(shop, all[0].Member, "popcorn", "brought popcorn to the first meetup", "honour-popcorn-1");
foreach (var rarity in await badges.GetRarityAsync(shop))
{
    Console.WriteLine($"  {rarity.Badge.Name,-28} {rarity.Holders,4} holders ({rarity.Share,6:P1})");
}

var busiest = simulation.BusiestMember;
var mine = await badges.GetBadgesAsync(shop, busiest);
Console.WriteLine($"  {busiest} shows: {string.Join(", ", mine.Where(b => b.Displayed).Select(b => b.Badge.Name))}");
foreach (var progress in (await badges.GetProgressAsync(shop, busiest)).Take(3))
{
    Console.WriteLine($"  {busiest} is {progress.Current:0} of {progress.Target:0} {progress.Unit} towards {progress.Badge.Name}");
}

Console.WriteLine();
Console.WriteLine("Idea contest");
var contests = provider.GetRequiredService<IContestService>();
var random = new Random(7);
var authors = all.Where((_, i) => i % 25 == 3).Select(m => m.Member).ToList();
foreach (var author in authors)
{
    await contests.SubmitAsync(shop, "quiet-washer", author, new EntrySubmission { Title = $"{author}'s idea", IdempotencyKey = $"idea-{author}" });
}

clock.Advance(new DateTimeOffset(2026, 4, 5, 10, 0, 0, TimeSpan.FromHours(8)) - clock.GetUtcNow()); // voting opens
var cast = new List<VoteCast>();
foreach (var voter in all.Select(m => m.Member))
{
    foreach (var entry in Enumerable.Range(0, 3).Select(_ => 1 + (int)(authors.Count * Math.Pow(random.NextDouble(), 2))).Distinct())
    {
        var vote = await contests.VoteAsync(shop, "quiet-washer", entry.ToString(System.Globalization.CultureInfo.InvariantCulture), voter, 1, $"vote-{voter}-{entry}");
        cast.AddRange(vote.EffectsOf<VoteCast>());
        clock.Advance(TimeSpan.FromMinutes(1));
    }
}

var reasons = cast.SelectMany(v => v.HoldReasons).GroupBy(r => r).Select(g => $"{g.Count()} {g.Key}");
Console.WriteLine($"  {authors.Count} ideas, {cast.Count} votes: {cast.Count(v => v.Status == VoteStatus.Counted)} counted, {cast.Count(v => v.Status == VoteStatus.Held)} held ({string.Join(", ", reasons)})");
var moderator = all[0].Member;
foreach (var review in await contests.ReviewAsync(shop, "quiet-washer"))
{
    // The moderator counts votes held only for the share of the author's invite branch, and voids self-votes.
    var selfVotes = review.Held.Where(h => h.Reasons.Contains(VoteHoldReasons.SelfVote)).ToList();
    foreach (var held in review.Held)
    {
        var self = selfVotes.Contains(held);
        await contests.ReviewVotesAsync(shop, "quiet-washer", review.Entry.Id, moderator, approve: !self, held.Voter, self ? "self-vote" : "friends may vote", $"review-{review.Entry.Id}-{held.Voter}");
    }
}

clock.Advance(new DateTimeOffset(2026, 4, 12, 10, 0, 0, TimeSpan.FromHours(8)) - clock.GetUtcNow()); // voting closed
var finished = (await contests.FinishAsync(shop, "quiet-washer", moderator, [], "finish-quiet-washer")).EffectsOf<ContestFinished>().Single();
foreach (var winner in finished.Winners)
{
    var author = winner.Authors[0];
    Console.WriteLine($"  #{winner.Place} {winner.Title,-28} {winner.Votes,3} votes   prize {(winner.Place == 1 ? 100 : 50)} coins, honour: {(await badges.GetBadgesAsync(shop, author)).Any(b => b.Badge.Id == "inventor")}");
}

var history = await community.GetHistoryAsync(shop, busiest, new ActivityPageRequest(PageSize: 5));
Console.WriteLine();
Console.WriteLine($"Latest activity of {busiest} (their history, newest first):");
foreach (var item in history.Items)
{
    var local = TimeZoneInfo.ConvertTime(item.EffectiveTime, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
    Console.WriteLine($"  #{item.ActivityId,-6} {local:yyyy-MM-dd HH:mm}  {item.Activity.Type,-16} {item.Activity.Value?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) ?? ""}");
}

async Task PrintTreeAsync(MemberId member, string indent, int level)
{
    var invitees = await graph.GetInviteesAsync(shop, member);
    Console.WriteLine($"{indent}{member} ({invitees.Count} invited)");
    if (level < 2)
    {
        foreach (var invitee in invitees.Take(4))
        {
            await PrintTreeAsync(invitee, indent + "  ", level + 1);
        }

        if (invitees.Count > 4)
        {
            Console.WriteLine($"{indent}  ... and {invitees.Count - 4} more");
        }
    }
}
