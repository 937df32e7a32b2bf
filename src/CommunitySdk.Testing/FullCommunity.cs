using System.Globalization;
using System.Text;
using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Testing;

/// <summary>
/// A community with every feature on (caps, pending and expiring coins, referral rewards, tiers, badges of every
/// kind), a reproducible workload over it, and a probe that reads back everything a member or an operator can
/// query. The state suites compare two hosts by their probes: a live one, one started from a snapshot, one that
/// folded the whole log.
/// </summary>
public static class FullCommunity
{
    /// <summary>Adds every feature with rules that exercise caps, pending days, expiry, re-credits, rewards, tiers and badges.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddEveryFeature(this ICommunitySdkBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPoints(p => p
                .Currency("reputation", configure: c => c.DailyCap = 40)
                .Rule("post.created", amount: 10, currency: "reputation")
                .Rule("meetup.attended", amount: 25, currency: "reputation", configure: r => r.ExemptFromCurrencyCap = true)
                .Rule("post.created", amount: 5, currency: "reputation", configure: r => { r.Id = "first-post"; r.FirstTimeOnly = true; })
                .Currency("coins", spendable: true, c => { c.PendingDays = 2; c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 20; })
                .Rule("order.completed", perUnit: 0.1m, currency: "coins"))
            .AddReferrals(r =>
            {
                r.RewardBoth(inviter: 30, invitee: 10, currency: "coins").MaxRewardLevels(2);
                r.QualifyingMinimumValue = 50;
            })
            .AddScoring(s =>
            {
                s.LeaderboardCurrency = "reputation"; // the day, week and month boards rank reputation
                s.HalfLife(TimeSpan.FromDays(14))
                    .Weight("post.created", 2)
                    .Weight("order.completed", 1, perUnitOfValue: 0.01)
                    .Weight("meetup.attended", 5)
                    .Tier("newcomer")
                    .Tier("regular", t => t.MinScore = 8)
                    .Tier("pillar", t =>
                    {
                        t.MinScore = 30;
                        t.MinPoints = 20;
                        t.PointsCurrency = "reputation";
                        t.MinActivities["meetup.attended"] = 2;
                        t.DaysActive(2, windowDays: 30);
                        t.Require(new TierRequirement { Name = "meetups in 60 days", Measure = TierMeasure.DistinctValues, ActivityType = "meetup.attended", Attribute = "event", WindowDays = 60, Minimum = 2 });
                    });
            })
            .AddBadges(b => b
                .Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1))
                .Badge("regular-buyer", "Regular buyer", BadgeCriteria.Count("order.completed", 3), d => d.AutoRevoke = true)
                .Badge("streak", "Three days in a row", BadgeCriteria.Streak("post.created", 3))
                .Badge("connector", "Connector", BadgeCriteria.QualifiedReferrals(2))
                .Badge("earner", "Earner", BadgeCriteria.PointsEarned("coins", 100))
                .Badge("explorer", "Explorer", BadgeCriteria.DistinctValues("meetup.attended", 2))
                .Badge("pillar", "Pillar", BadgeCriteria.Tier("pillar"))
                .Honour("helper", "Helper")
                .Family("meetups", "Meetup regular", ("Bronze", BadgeCriteria.Count("meetup.attended", 1)), ("Silver", BadgeCriteria.Count("meetup.attended", 3))))
            .AddContests(c =>
            {
                // Two contests: one finishes early in the workload; the other is voting when the snapshot suite takes its snapshot
                // (after 150 steps) and finishes in the steps after it.
                c.TierWeights["pillar"] = 2;
                c.Contest("ideas", "A quieter washing machine", new DateTime(2026, 3, 3), new DateTime(2026, 3, 20), new DateTime(2026, 4, 10), d =>
                {
                    d.MaxEntriesPerMember = 2;
                    d.Winners = 2;
                    d.PrizeCurrency = "coins";
                    d.Prizes.Add(100);
                    d.Prizes.Add(50);
                    d.HonourBadge = "helper";
                });
                c.Contest("names", "Name the new kettle", new DateTime(2026, 4, 12), new DateTime(2026, 4, 24), new DateTime(2026, 5, 12), d =>
                {
                    d.Voting = VotingMode.Quadratic;
                    d.VoteCredits = 30;
                    d.ModerateEntries = true;
                });
            });
    }

    /// <summary>
    /// Records a reproducible mix through the public services: joins (some with a referral code), orders, posts with
    /// subjects, meetup check-ins, spends, refunds (reversals), honours, profile changes, expiry sweeps and tier
    /// reviews, over simulated days (<paramref name="advance"/> moves the host's clock between steps).
    /// </summary>
    /// <param name="services">A provider built with <see cref="AddEveryFeature"/>.</param>
    /// <param name="community">The community.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="steps">How many steps.</param>
    /// <param name="advance">Moves the host's clock forward.</param>
    /// <param name="offset">The index of the first step (to continue a workload with more steps).</param>
    /// <returns>A task.</returns>
    public static async Task RunWorkloadAsync(IServiceProvider services, CommunityId community, int seed, int steps, Action<TimeSpan> advance, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(advance);
        var random = new Random(seed + offset);
        var contestRandom = new Random((seed * 31) + offset); // its own sequence: the rest of the mix stays as it was
        var sdk = services.GetRequiredService<ICommunity>();
        var directory = services.GetRequiredService<IMemberDirectory>();
        var points = services.GetRequiredService<IPointsService>();
        var referrals = services.GetRequiredService<IReferralService>();
        var badges = services.GetRequiredService<IBadgeService>();
        var scoring = services.GetRequiredService<IScoringService>();
        string Member(int i) => $"m{i}";
        var cities = new[] { "Beijing", "Shanghai", "Chengdu" };
        var recorded = new List<(string Key, string Member)>();
        var joined = (await directory.ListAsync(community, 0, 500).ConfigureAwait(false)).Select(m => m.Member.Value).ToList();
        if (joined.Count == 0)
        {
            await directory.JoinAsync(community, new MemberId(Member(0))).ConfigureAwait(false);
            joined.Add(Member(0));
        }
        for (var i = offset; i < offset + steps; i++)
        {
            var who = joined[random.Next(joined.Count)];
            try
            {
                switch (random.Next(12) is var roll && roll == 9 && random.Next(3) == 0 ? 13 : roll)
                {
                    case 0 or 1:
                        var code = joined.Count > 2 && random.Next(3) > 0 ? (await referrals.GetOrCreateCodeAsync(community, new MemberId(joined[random.Next(joined.Count)])).ConfigureAwait(false)).Code : null;
                        var joiner = Member(joined.Count);
                        await directory.JoinAsync(community, new MemberId(joiner), new JoinRequest
                        {
                            ReferralCode = code,
                            Fingerprint = random.Next(4) == 0 ? "shared-device" : null, // some referrals are held for review
                            Profile = new Dictionary<string, string> { [ProfileKeys.City] = cities[random.Next(cities.Length)] },
                        }).ConfigureAwait(false);
                        joined.Add(joiner);
                        if (code is not null && random.Next(2) == 0)
                        {
                            // The invitee's first order qualifies the referral (rewarded, or held for review).
                            await sdk.RecordAsync(Make(community, $"first-order-{i}", joiner, "order.completed", random.Next(50, 300))).ConfigureAwait(false);
                            recorded.Add(($"first-order-{i}", joiner));
                        }

                        break;
                    case 2 or 3:
                        await sdk.RecordAsync(Make(community, $"order-{i}", who, "order.completed", random.Next(10, 400))).ConfigureAwait(false);
                        recorded.Add(($"order-{i}", who));
                        break;
                    case 4 or 5:
                        await sdk.RecordAsync(Make(community, $"post-{i}", who, "post.created", null, ("subject", $"s{random.Next(6)}"))).ConfigureAwait(false);
                        recorded.Add(($"post-{i}", who));
                        break;
                    case 6:
                        await sdk.RecordAsync(Make(community, $"meetup-{i}", who, "meetup.attended", null, ("event", $"e{random.Next(4)}"))).ConfigureAwait(false);
                        break;
                    case 7:
                        var available = (await points.GetBalanceAsync(community, new MemberId(who), "coins").ConfigureAwait(false)).Available;
                        if (available > 1)
                        {
                            await points.SpendAsync(community, new MemberId(who), "coins", Math.Floor(available / 2), "voucher", $"spend-{i}").ConfigureAwait(false);
                        }

                        break;
                    case 8 when recorded.Count > 0:
                        var (victim, owner) = recorded[random.Next(recorded.Count)];
                        await points.ReverseAsync(community, new MemberId(owner), victim, "refund", $"reverse-{i}").ConfigureAwait(false);
                        break;
                    case 8:
                        foreach (var held in (await referrals.GetHeldAsync(community).ConfigureAwait(false)).Take(1))
                        {
                            await referrals.ApproveAsync(community, held.Invitee, $"approve-{i}").ConfigureAwait(false);
                        }

                        break;
                    case 13:
                        foreach (var held in (await referrals.GetHeldAsync(community).ConfigureAwait(false)).Take(1))
                        {
                            await referrals.ApproveAsync(community, held.Invitee, $"approve-{i}").ConfigureAwait(false);
                        }

                        break;
                    case 9:
                        await badges.GrantAsync(community, new MemberId(who), "helper", "ran a meetup", $"honour-{i}").ConfigureAwait(false);
                        break;
                    case 10:
                        await directory.UpdateProfileAsync(community, new MemberId(who), new Dictionary<string, string> { [ProfileKeys.City] = cities[random.Next(cities.Length)] }, $"profile-{i}").ConfigureAwait(false);
                        break;
                    default:
                        await points.SweepExpiryAsync(community).ConfigureAwait(false);
                        await scoring.ReviewTiersAsync(community).ConfigureAwait(false);
                        break;
                }
            }
            catch (CommunityException)
            {
                // Refused commands (another member's source, nothing to spend, already joined) are part of the mix.
            }

            if (services.GetService<IContestService>() is { } contests && contestRandom.Next(2) == 0)
            {
                await ContestStepAsync(contests, community, joined, contestRandom, i).ConfigureAwait(false);
            }

            advance(TimeSpan.FromHours(random.Next(1, 20)));
        }
    }

    /// <summary>One contest action per running contest, fitting its phase: submit, moderate, vote, unvote, report, review, shortlist, finish.</summary>
    private static async Task ContestStepAsync(IContestService contests, CommunityId community, List<string> joined, Random random, int step)
    {
        foreach (var contest in await contests.ListAsync(community).ConfigureAwait(false))
        {
            var who = new MemberId(joined[random.Next(joined.Count)]);
            var key = $"contest-{step}-{contest.Id}";
            var entries = contest.Entries + 3;
            var entry = (random.Next(entries) + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                switch (contest.Phase)
                {
                    case ContestPhase.Submission when random.Next(4) > 0:
                        var coAuthors = random.Next(3) == 0 ? new[] { new MemberId(joined[random.Next(joined.Count)]) } : [];
                        await contests.SubmitAsync(community, contest.Id, who, new EntrySubmission { Title = $"idea {step}", Text = "as told", CoAuthors = coAuthors, IdempotencyKey = key }).ConfigureAwait(false);
                        break;
                    case ContestPhase.Submission:
                        await contests.WithdrawAsync(community, contest.Id, entry, who, key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Voting when random.Next(10) == 0:
                        await contests.UnvoteAsync(community, contest.Id, entry, who, key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Voting when random.Next(10) == 0:
                        await contests.ReportAsync(community, contest.Id, entry, who, "looks copied", key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Voting when random.Next(8) == 0:
                        await contests.ReviewVotesAsync(community, contest.Id, entry, new MemberId("m0"), approve: random.Next(2) == 0, voter: null, "reviewed", key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Voting:
                        foreach (var pending in (await contests.ReviewAsync(community, contest.Id).ConfigureAwait(false)).Where(r => r.Entry.Status == EntryStatus.Pending).Take(1))
                        {
                            await contests.ModerateAsync(community, contest.Id, pending.Entry.Id, new MemberId("m0"), accept: random.Next(4) > 0, "off topic", $"{key}-moderate").ConfigureAwait(false);
                        }

                        await contests.VoteAsync(community, contest.Id, entry, who, contest.Voting == VotingMode.Quadratic ? random.Next(1, 4) : 1, key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Judging when random.Next(3) == 0:
                        await contests.ShortlistAsync(community, contest.Id, new MemberId("m0"), top: 2, picks: [entry], key).ConfigureAwait(false);
                        break;
                    case ContestPhase.Judging:
                        await contests.FinishAsync(community, contest.Id, new MemberId("m0"), [], key).ConfigureAwait(false);
                        break;
                }
            }
            catch (CommunityException)
            {
                // Refused commands (a second vote, a closed phase, an unknown entry) are part of the mix.
            }
        }
    }

    /// <summary>Everything the SDK's queries say about a community and its first <paramref name="members"/> member ids, as text.</summary>
    /// <param name="services">The provider.</param>
    /// <param name="community">The community.</param>
    /// <param name="members">How many of the workload's member ids to probe.</param>
    /// <returns>The description.</returns>
    public static async Task<string> DescribeAsync(IServiceProvider services, CommunityId community, int members = 46)
    {
        ArgumentNullException.ThrowIfNull(services);
        var text = new StringBuilder();
        void Line(object? value) => text.Append(CultureInfo.InvariantCulture, $"{value}\n");
        var directory = services.GetRequiredService<IMemberDirectory>();
        var points = services.GetRequiredService<IPointsService>();
        var referrals = services.GetRequiredService<IReferralService>();
        var graph = services.GetRequiredService<IInviteGraph>();
        var badges = services.GetRequiredService<IBadgeService>();
        var scoring = services.GetRequiredService<IScoringService>();
        var tiers = services.GetRequiredService<ITierService>();
        Line(await directory.CountAsync(community).ConfigureAwait(false));
        foreach (var info in await directory.ListAsync(community, 0, 500).ConfigureAwait(false))
        {
            Line($"{info.Member} {info.Number} {info.JoinedAt:O} {string.Join(',', info.Profile.OrderBy(p => p.Key, StringComparer.Ordinal))}");
        }

        for (var i = 0; i < members; i++)
        {
            var member = new MemberId($"m{i}");
            foreach (var balance in await points.GetBalancesAsync(community, member).ConfigureAwait(false))
            {
                Line(balance);
            }

            var history = await points.GetHistoryAsync(community, member, new LedgerPageRequest(PageSize: 500)).ConfigureAwait(false);
            Line(string.Join('|', history.Items));
            Line(string.Join('|', await points.GetUpcomingExpiriesAsync(community, member, "coins").ConfigureAwait(false)));
            Line(string.Join('|', (await badges.GetBadgesAsync(community, member).ConfigureAwait(false)).Select(b => $"{b.Badge.Id}:{b.Grants}:{b.Revoked}:{b.Displayed}:{b.FirstEarnedAt:O}")));
            Line(string.Join('|', (await badges.GetProgressAsync(community, member).ConfigureAwait(false)).Select(p => $"{p.Badge.Id}:{p.Current}/{p.Target}")));
            Line(Describe(await referrals.GetReferralAsync(community, member).ConfigureAwait(false)));
            Line(await referrals.GetCodeAsync(community, member).ConfigureAwait(false));
            Line($"{await graph.GetInviterAsync(community, member).ConfigureAwait(false)} {await graph.GetDepthAsync(community, member).ConfigureAwait(false)} {await graph.GetDescendantCountAsync(community, member).ConfigureAwait(false)}");
            Line(string.Join(',', await graph.GetInviteesAsync(community, member).ConfigureAwait(false)));
            Line(await scoring.ExplainAsync(community, member).ConfigureAwait(false) is var e ? $"{e.Score:R} {e.Tier} {string.Join(',', e.Contributions.Select(c => $"{c.Name}={c.Value:R}"))}" : null);
            Line(string.Join(',', await scoring.StrongTiesAsync(community, member).ConfigureAwait(false)));
            var progress = await tiers.GetProgressAsync(community, member).ConfigureAwait(false);
            Line($"{progress.Tier} {progress.DemotionAt:O} {string.Join(',', progress.Keep.Concat(progress.Next).Select(p => $"{p.Name}={p.Value:R}/{p.Target:R}:{p.Met}"))}");
        }

        foreach (var kind in Enum.GetValues<LeaderboardKind>())
        {
            foreach (var segment in new string?[] { null, "Beijing", "Shanghai" })
            {
                Line(string.Join('|', (await scoring.TopAsync(community, new LeaderboardKey(kind, segment), 50).ConfigureAwait(false)).Select(r => $"{r.Rank}:{r.Member}:{r.Score:R}")));
            }
        }

        Line(string.Join('|', await scoring.CohortAsync(community).ConfigureAwait(false)));
        Line(string.Join('|', await scoring.CohortHistoryAsync(community).ConfigureAwait(false)));
        Line(string.Join('|', await scoring.SegmentRankingAsync(community).ConfigureAwait(false)));
        Line(string.Join('|', (await scoring.HotSubjectsAsync(community, 10).ConfigureAwait(false)).Select(h => $"{h.Subject}:{h.Score:R}")));
        Line(string.Join('|', (await badges.GetRarityAsync(community).ConfigureAwait(false)).Select(r => $"{r.Badge.Id}:{r.Holders}/{r.Members}")));
        Line(string.Join('|', (await referrals.GetHeldAsync(community).ConfigureAwait(false)).Select(Describe)));
        Line(string.Join('|', await graph.GetTopInvitersAsync(community, 10).ConfigureAwait(false)));
        if (services.GetService<IContestService>() is { } contests)
        {
            foreach (var contest in await contests.ListAsync(community).ConfigureAwait(false))
            {
                Line($"{contest.Id} {contest.Phase} {contest.Entries} {string.Join(';', contest.Winners.Select(w => $"{w.Place}:{w.Entry}:{w.Votes:R}:{string.Join(',', w.Authors)}"))}");
                Line(string.Join('|', (await contests.RankingAsync(community, contest.Id, 0, 100).ConfigureAwait(false)).Select(Describe)));
                Line(string.Join('|', (await contests.HotAsync(community, contest.Id, 100).ConfigureAwait(false)).Select(h => $"{h.Entry.Id}:{h.Score:R}")));
                Line(string.Join('|', (await contests.ReviewAsync(community, contest.Id).ConfigureAwait(false)).Select(r => $"{Describe(r.Entry)}/{string.Join(',', r.Held.Select(h => $"{h.Voter}:{h.Weight:R}:{string.Join('+', h.Reasons)}"))}/{string.Join(',', r.ReportReasons)}")));
                for (var i = 0; i < members; i++)
                {
                    var member = new MemberId($"m{i}");
                    var votes = await contests.VotesOfAsync(community, contest.Id, member).ConfigureAwait(false);
                    Line($"{votes.Remaining} {string.Join(',', votes.Votes)} {string.Join(',', (await contests.EntriesOfAsync(community, contest.Id, member).ConfigureAwait(false)).Select(Describe))}");
                }
            }
        }

        return text.ToString();
    }

    private static string Describe(ContestEntry e) =>
        $"{e.Id}:{e.Author}:{string.Join('+', e.CoAuthors)}:{e.Title}:{e.Status}:{e.ModerationReason}:{e.Votes:R}:{e.Voters}:{e.HeldVotes}:{e.Reports}:{e.Shortlisted}:{e.Rank}:{e.SubmittedAt:O}";

    private static string? Describe(Referral? r) =>
        r is null ? null : $"{r.Invitee} {r.Inviter} {r.Code} {r.JoinedAt:O} {r.Status} {string.Join(';', r.HoldReasons)}";

    /// <summary>An activity of the workload (and of the other suites that build their own).</summary>
    internal static Activity Make(CommunityId community, string key, string member, string type, decimal? value, params (string Name, string Value)[] attributes) => new()
    {
        IdempotencyKey = key,
        Community = community,
        Member = new MemberId(member),
        Type = type,
        Value = value,
        Attributes = attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal),
    };
}
