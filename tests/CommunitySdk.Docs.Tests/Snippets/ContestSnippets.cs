using CommunitySdk.Contests;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/contests.md.</summary>
public static class ContestSnippets
{
    public static void Register(IServiceCollection services)
    {
        // begin-snippet: contests-register
        services.AddCommunitySdk(o => o.Community("my-shop", c => c.TimeZone = "Asia/Shanghai"))
            .AddPoints(p => p.Currency("coins", spendable: true))
            .AddBadges(b => b.Honour("inventor", "Inventor"))
            .AddScoring(s => s.Tier("member").Tier("expert", t => t.MinScore = 50))
            .AddContests(c =>
            {
                c.TierWeights["expert"] = 2;                             // an expert's vote counts twice
                c.Contest(
                    "quiet-washer", "A quieter washing machine",
                    submissionStartsAt: new DateTime(2027, 3, 1, 9, 0, 0),  // wall-clock, Shanghai time
                    votingStartsAt: new DateTime(2027, 3, 15, 9, 0, 0),
                    votingEndsAt: new DateTime(2027, 3, 22, 21, 0, 0),
                    d =>
                    {
                        d.Brief = "Our washers shake on old floors. How would you make them quiet?";
                        d.JoinedBeforeStart = true;                       // entrants joined before it opened
                        d.MaxEntriesPerMember = 2;
                        d.Voting = VotingMode.LimitedPerContest;          // 3 votes per member by default
                        d.Winners = 4;                                    // four go on to prototyping
                        d.PrizeCurrency = "coins";
                        d.Prizes.Add(500); d.Prizes.Add(300); d.Prizes.Add(100); d.Prizes.Add(100);
                        d.HonourBadge = "inventor";
                    });
            });
        // end-snippet
    }

    public static async Task MembersAsync(IContestService contests, CommunityId shop, MemberId ann, MemberId bob)
    {
        // begin-snippet: contests-members
        var entry = await contests.SubmitAsync(shop, "quiet-washer", ann, new EntrySubmission
        {
            Title = "Rubber feet with a spring inside",
            Text = "Sketch: https://example.com/feet.png",
            CoAuthors = [bob],
            IdempotencyKey = "entry-ann-1",
        });

        // Later, during voting: counted, or held for review by a fraud rule (never dropped silently).
        var outcome = await contests.VoteAsync(shop, "quiet-washer", entry.Id, bob, votes: 1, idempotencyKey: "vote-bob-1");
        var vote = outcome.EffectsOf<VoteCast>().Single();
        Console.WriteLine($"{vote.Status} {string.Join(", ", vote.HoldReasons)}");   // "Held self-vote": bob co-wrote it

        var top = await contests.RankingAsync(shop, "quiet-washer", skip: 0, take: 10);  // O(log n) to the first row
        var hot = await contests.HotAsync(shop, "quiet-washer", count: 5);               // by votes that decay
        // end-snippet
        _ = (top, hot);
    }

    public static async Task OperatorsAsync(IContestService contests, CommunityId shop, MemberId moderator)
    {
        // begin-snippet: contests-operators
        foreach (var review in await contests.ReviewAsync(shop, "quiet-washer"))
        {
            if (review.Held.Count > 0)
            {
                // Approve (count) or void every held vote of the entry, or one voter's with `voter:`.
                await contests.ReviewVotesAsync(shop, "quiet-washer", review.Entry.Id, moderator, approve: false, voter: null,
                    reason: "one family's accounts", idempotencyKey: $"review-{review.Entry.Id}-1");
            }
        }

        // After voting: shortlist the top 8 by votes plus the engineers' pick, then announce four winners by votes.
        await contests.ShortlistAsync(shop, "quiet-washer", moderator, top: 8, picks: ["17"], idempotencyKey: "shortlist-1");
        var results = await contests.FinishAsync(shop, "quiet-washer", moderator, winners: [], idempotencyKey: "finish-1");
        // end-snippet
        _ = results;
    }

    // begin-snippet: contests-handler
    /// <summary>Tells the winners (after commit, at least once: dedupe on ActivityId and Index).</summary>
    public sealed class WinnerMail(IMailer mailer) : ICommunityEventHandler<ContestFinished>
    {
        public async ValueTask HandleAsync(ContestFinished finished, CancellationToken cancellationToken)
        {
            foreach (var winner in finished.Winners)
            {
                foreach (var author in winner.Authors)
                {
                    await mailer.SendAsync(author, $"Your idea \"{winner.Title}\" took place {winner.Place}!", cancellationToken);
                }
            }
        }
    }
    // end-snippet

    /// <summary>The host's mail service (for the snippet).</summary>
    public interface IMailer
    {
        ValueTask SendAsync(MemberId recipient, string text, CancellationToken cancellationToken);
    }
}
