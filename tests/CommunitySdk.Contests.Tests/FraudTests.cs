using static CommunitySdk.Contests.Tests.Fixture;

namespace CommunitySdk.Contests.Tests;

public class FraudTests
{
    [Fact]
    public async Task A_self_vote_is_held_not_dropped()
    {
        await using var host = Host();
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var entry = await host.Submit("ann", "t", "bob");
        host.OpenVoting();
        var own = await host.Vote("ann", entry);
        var coAuthor = await host.Vote("bob", entry);
        Assert.Equal(VoteStatus.Held, own.Status);
        Assert.Equal([VoteHoldReasons.SelfVote], own.HoldReasons);
        Assert.Equal(VoteStatus.Held, coAuthor.Status);
        var counted = await host.Entry(entry);
        Assert.Equal((0.0, 2), (counted.Votes, counted.HeldVotes));
    }

    [Fact]
    public async Task Votes_of_members_who_joined_after_the_start_are_held_unless_the_contest_allows_them()
    {
        await using var strict = Host();
        await strict.Join("ann");
        strict.OpenSubmission();
        var entry = await strict.Submit("ann");
        strict.OpenVoting();
        await strict.Join("late");
        Assert.Equal([VoteHoldReasons.JoinedAfterStart], (await strict.Vote("late", entry)).HoldReasons);

        await using var open = Host(c => c.HoldLateJoinerVotes = false);
        await open.Join("ann");
        open.OpenSubmission();
        var other = await open.Submit("ann");
        open.OpenVoting();
        await open.Join("late");
        Assert.Equal(VoteStatus.Counted, (await open.Vote("late", other)).Status);
    }

    /// <summary>
    /// The author's invite branch (people the author invited, and whom they invited) votes together: once the entry has
    /// enough voters, branch votes beyond half of them are held. An unrelated crowd voting for another entry is not.
    /// </summary>
    [Fact]
    public async Task An_authors_invite_branch_voting_together_is_flagged_and_an_unrelated_crowd_is_not()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 2, o => { o.Fraud.BurstLimit = 100; });
        await host.Join("ann", "zed");
        foreach (var friend in new[] { "f1", "f2", "f3", "f4" })
        {
            await host.Invite("ann", friend);
        }

        await host.Invite("f1", "f1a"); // a grand-invitee: still the author's branch
        await host.Invite("f2", "f2a");
        foreach (var stranger in Enumerable.Range(1, 6).Select(i => $"s{i}"))
        {
            await host.Join(stranger);
        }

        host.OpenSubmission();
        var ring = await host.Submit("ann", "ring");
        var honest = await host.Submit("zed", "honest");
        host.OpenVoting();
        var branch = new List<VoteCast>();
        foreach (var voter in new[] { "f1", "f2", "f3", "f4", "f1a", "f2a" })
        {
            branch.Add(await host.Vote(voter, ring));
        }

        // Two branch votes count (below the 3-voter minimum); from the third on, the branch would be over half.
        Assert.Equal([VoteStatus.Counted, VoteStatus.Counted, VoteStatus.Held, VoteStatus.Held, VoteStatus.Held, VoteStatus.Held], branch.Select(v => v.Status));
        Assert.All(branch.Skip(2), v => Assert.Equal([VoteHoldReasons.AuthorBranch], v.HoldReasons));
        var crowd = new List<VoteCast>();
        foreach (var stranger in Enumerable.Range(1, 6).Select(i => $"s{i}"))
        {
            crowd.Add(await host.Vote(stranger, honest));
        }

        Assert.All(crowd, v => Assert.Equal(VoteStatus.Counted, v.Status));
        var review = await host.Contests().ReviewAsync(Shop, Washer);
        var flagged = Assert.Single(review);
        Assert.Equal((ring, 4), (flagged.Entry.Id, flagged.Held.Count));
        Assert.Equal(M("f3"), flagged.Held[0].Voter);
    }

    [Fact]
    public async Task A_burst_from_one_branch_is_held()
    {
        await using var host = Host(contest: null, options: o => { o.Fraud.BurstLimit = 2; o.Fraud.BranchShare = 1; });
        await host.Join("ann", "root");
        await host.Invite("root", "kid");
        foreach (var grandchild in new[] { "g1", "g2", "g3" })
        {
            await host.Invite("kid", grandchild); // g1..g3 share root (two levels up) as their branch
        }

        host.OpenSubmission();
        var entry = await host.Submit("ann");
        host.OpenVoting();
        Assert.Equal(VoteStatus.Counted, (await host.Vote("g1", entry)).Status);
        Assert.Equal(VoteStatus.Counted, (await host.Vote("g2", entry)).Status);
        Assert.Equal([VoteHoldReasons.BranchBurst], (await host.Vote("g3", entry)).HoldReasons);
        host.Clock.Advance(TimeSpan.FromMinutes(11)); // past the window: the branch may vote again
        Assert.Equal(VoteStatus.Counted, (await host.Vote("kid", entry)).Status);
    }

    [Fact]
    public async Task Review_approves_or_voids_and_the_ranking_follows()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 2);
        await host.Join("ann", "bob", "cy", "op");
        host.OpenSubmission();
        var a = await host.Submit("ann", "a", "bob");
        var b = await host.Submit("cy", "b");
        host.OpenVoting();
        await host.Vote("ann", a);   // held: self
        await host.Vote("bob", a);   // held: co-author
        await host.Vote("cy", a);    // counted
        await host.Vote("op", b);    // counted
        Assert.Equal([a, b], (await host.Contests().RankingAsync(Shop, Washer)).Select(e => e.Id)); // one vote each: the earlier entry first
        await host.Contests().ReviewVotesAsync(Shop, Washer, a, M("op"), approve: true, M("bob"), "co-author may vote", "r1");
        Assert.Equal((2.0, 1), ((await host.Entry(a)).Votes, (await host.Entry(a)).HeldVotes));
        await host.Contests().ReviewVotesAsync(Shop, Washer, a, M("op"), approve: false, voter: null, "self-vote", "r2");
        await host.Contests().ReviewVotesAsync(Shop, Washer, a, M("op"), approve: false, M("cy"), "bought", "r3");
        var entry = await host.Entry(a);
        Assert.Equal((1.0, 0), (entry.Votes, entry.HeldVotes));
        Assert.Equal(VoteStatus.Counted, (await host.Contests().VotesOfAsync(Shop, Washer, M("bob"))).Votes.Single().Status);
        Assert.Equal(VoteStatus.Voided, (await host.Contests().VotesOfAsync(Shop, Washer, M("cy"))).Votes.Single().Status);
        var voided = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Vote("cy", a));
        Assert.Contains("voided", voided.Reason, StringComparison.Ordinal);
        var nothing = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().ReviewVotesAsync(Shop, Washer, a, M("op"), approve: true, voter: null, "again", "r4").AsTask());
        Assert.Equal("entry", nothing.Field);
    }

    [Fact]
    public async Task Reports_are_listed_for_review_once_per_member()
    {
        await using var host = Host();
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var entry = await host.Submit("ann");
        await host.Contests().ReportAsync(Shop, Washer, entry, M("bob"), "copied from a magazine", "rep1");
        var twice = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().ReportAsync(Shop, Washer, entry, M("bob"), "again", "rep2").AsTask());
        Assert.Equal("entry", twice.Field);
        var review = Assert.Single(await host.Contests().ReviewAsync(Shop, Washer));
        Assert.Equal(1, review.Entry.Reports);
        Assert.Equal(["copied from a magazine"], review.ReportReasons);
    }
}
