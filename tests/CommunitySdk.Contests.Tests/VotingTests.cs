using Microsoft.Extensions.DependencyInjection;
using CommunitySdk.Scoring;
using static CommunitySdk.Contests.Tests.Fixture;

namespace CommunitySdk.Contests.Tests;

public class VotingTests
{
    [Fact]
    public async Task One_vote_per_member_per_entry_a_retry_counts_once_and_unvote_gives_it_back()
    {
        await using var host = Host();
        await host.Join("ann", "bob", "cy");
        host.OpenSubmission();
        var entry = await host.Submit("ann");
        var early = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Vote("bob", entry));
        Assert.Equal("contest", early.Field);
        host.OpenVoting();
        var first = await host.Contests().VoteAsync(Shop, Washer, entry, M("bob"), 1, "vote-bob");
        var retry = await host.Contests().VoteAsync(Shop, Washer, entry, M("bob"), 1, "vote-bob");
        Assert.True(retry.IsDuplicate);
        Assert.Equal(first.ActivityId, retry.ActivityId);
        var again = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Vote("bob", entry));
        Assert.Equal("entry", again.Field);
        await host.Vote("cy", entry);
        Assert.Equal((2.0, 2), ((await host.Entry(entry)).Votes, (await host.Entry(entry)).Voters));
        await host.Contests().UnvoteAsync(Shop, Washer, entry, M("bob"), "unvote-bob");
        Assert.Equal(1.0, (await host.Entry(entry)).Votes);
        Assert.Equal(VoteStatus.Counted, (await host.Vote("bob", entry)).Status); // back, and counted again
        Assert.Equal(2.0, (await host.Entry(entry)).Votes);
    }

    [Fact]
    public async Task Limited_voting_stops_at_the_contest_limit_and_unvote_frees_a_vote()
    {
        await using var host = Host(c => { c.Voting = VotingMode.LimitedPerContest; c.VotesPerMember = 2; c.MaxEntriesPerMember = 5; });
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var entries = new[] { await host.Submit("ann", "a"), await host.Submit("ann", "b"), await host.Submit("ann", "c") };
        host.OpenVoting();
        await host.Vote("bob", entries[0]);
        await host.Vote("bob", entries[1]);
        var third = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Vote("bob", entries[2]));
        Assert.Contains("all 2 votes", third.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await host.Contests().VotesOfAsync(Shop, Washer, M("bob"))).Remaining);
        await host.Contests().UnvoteAsync(Shop, Washer, entries[0], M("bob"), "u");
        await host.Vote("bob", entries[2]);
        Assert.Equal(["b", "c"], (await host.Contests().RankingAsync(Shop, Washer)).Where(e => e.Votes > 0).Select(e => e.Title).Order());
    }

    [Fact]
    public async Task A_member_has_at_most_the_configured_live_votes_in_a_contest()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 3, o => o.MaxVotesPerMember = 2);
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var entries = new[] { await host.Submit("ann", "a"), await host.Submit("ann", "b"), await host.Submit("ann", "c") };
        host.OpenVoting();
        await host.Vote("bob", entries[0]);
        await host.Vote("bob", entries[1]);
        var third = await Assert.ThrowsAsync<CommunityLimitExceededException>(() => host.Vote("bob", entries[2]));
        Assert.Equal(("ContestOptions.MaxVotesPerMember", 2L), (third.Limit, third.Maximum));
        await host.Contests().UnvoteAsync(Shop, Washer, entries[0], M("bob"), "u");
        Assert.Equal(VoteStatus.Counted, (await host.Vote("bob", entries[2])).Status); // a vote taken back frees its place
    }

    [Fact]
    public async Task Quadratic_votes_cost_their_square_from_the_budget()
    {
        await using var host = Host(c => { c.Voting = VotingMode.Quadratic; c.VoteCredits = 20; c.MaxEntriesPerMember = 3; });
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var a = await host.Submit("ann", "a");
        var b = await host.Submit("ann", "b");
        host.OpenVoting();
        Assert.Equal(4.0, (await host.Vote("bob", a, votes: 4)).Weight); // 16 credits
        var tooMuch = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Vote("bob", b, votes: 3));
        Assert.Equal(("votes", "cost 9 credits; 4 left"), (tooMuch.Field, tooMuch.Reason));
        await host.Vote("bob", b, votes: 2);
        var mine = await host.Contests().VotesOfAsync(Shop, Washer, M("bob"));
        Assert.Equal(0, mine.Remaining);
        Assert.Equal([4, 2], mine.Votes.Select(v => v.Votes));
    }

    [Fact]
    public async Task Votes_weigh_by_the_voters_tier()
    {
        await using var host = Testing.TestHost.Create(b => b
            .AddScoring(s => s.Weight("post.created", 10).Tier("newcomer").Tier("regular", t => t.MinScore = 5))
            .AddContests(o =>
            {
                o.Contest(Washer, "Washer", SubmissionOpens, SubmissionOpens.AddDays(3), SubmissionOpens.AddDays(6));
                o.TierWeights["regular"] = 3;
            }));
        await host.Join("ann", "bob", "cy");
        host.OpenSubmission();
        await host.Community.RecordAsync(new Activity { IdempotencyKey = "p", Community = Shop, Member = M("bob"), Type = "post.created" });
        Assert.Equal("regular", (await host.Get<ITierService>().GetProgressAsync(Shop, M("bob"))).Tier);
        var entry = await host.Submit("ann");
        host.OpenVoting();
        Assert.Equal(3.0, (await host.Vote("bob", entry)).Weight);
        Assert.Equal(1.0, (await host.Vote("cy", entry)).Weight);
        Assert.Equal(4.0, (await host.Entry(entry)).Votes);
    }

    [Fact]
    public async Task The_ranking_orders_by_votes_then_by_submission()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 3);
        await host.Join("ann", "v1", "v2", "v3");
        host.OpenSubmission();
        var a = await host.Submit("ann", "a");
        var b = await host.Submit("ann", "b");
        var c = await host.Submit("ann", "c");
        host.OpenVoting();
        await host.Vote("v1", c);
        await host.Vote("v2", c);
        await host.Vote("v1", b);
        var ranking = await host.Contests().RankingAsync(Shop, Washer);
        Assert.Equal([(c, 1), (b, 2), (a, 3)], ranking.Select(e => (e.Id, e.Rank!.Value)));
        Assert.Equal([b], (await host.Contests().RankingAsync(Shop, Washer, skip: 1, take: 1)).Select(e => e.Id));
        Assert.Equal(c, (await host.Contests().HotAsync(Shop, Washer))[0].Entry.Id);
    }

    [Fact]
    public async Task The_hot_list_decays_with_the_half_life()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 2, o => o.HotHalfLife = TimeSpan.FromHours(1));
        await host.Join("ann", "v1", "v2", "v3");
        host.OpenSubmission();
        var old = await host.Submit("ann", "old");
        var fresh = await host.Submit("ann", "fresh");
        host.OpenVoting();
        await host.Vote("v1", old);
        await host.Vote("v2", old);
        host.Clock.Advance(TimeSpan.FromHours(2));
        await host.Vote("v3", fresh);
        var hot = await host.Contests().HotAsync(Shop, Washer);
        Assert.Equal(fresh, hot[0].Entry.Id); // 1 vote now beats 2 votes two half-lives ago (0.5)
        Assert.Equal(1.0, hot[0].Score, 6);
        Assert.Equal(0.5, hot[1].Score, 6);
        Assert.Equal(old, (await host.Contests().RankingAsync(Shop, Washer))[0].Id); // the ranking does not decay
    }
}
