using CommunitySdk.Storage;
using FsCheck;
using FsCheck.Xunit;
using static CommunitySdk.Contests.Tests.Fixture;

namespace CommunitySdk.Contests.Tests;

public class PropertyTests
{
    private static readonly string[] Voters = ["f1", "f2", "f3", "f1a", "s1", "s2", "s3", "ann", "late"];

    /// <summary>
    /// Random votes, unvotes, approvals and voids (with the fraud rules holding some) by members of the author's branch,
    /// strangers, the author and a late joiner: the live ranking always equals a recount of the log's events, and so
    /// does a ranking rebuilt from the log.
    /// </summary>
    [Property(MaxTest = 25)]
    public void The_live_ranking_equals_a_recount_from_the_log(NonEmptyArray<(byte Op, byte Voter, byte Entry)> ops) =>
        RunAsync(ops.Get).GetAwaiter().GetResult();

    private static async Task RunAsync((byte Op, byte Voter, byte Entry)[] ops)
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 3, o => o.Fraud.BurstLimit = 3);
        await host.Join("ann", "bob", "s1", "s2", "s3", "op");
        foreach (var friend in new[] { "f1", "f2", "f3" })
        {
            await host.Invite("ann", friend);
        }

        await host.Invite("f1", "f1a");
        host.OpenSubmission();
        await host.Join("late");
        var entries = new[] { await host.Submit("ann", "a"), await host.Submit("ann", "b"), await host.Submit("bob", "c") };
        host.OpenVoting();
        var n = 0;
        foreach (var (op, v, e) in ops)
        {
            var voter = M(Voters[v % Voters.Length]);
            var entry = entries[e % entries.Length];
            var key = $"op{n++}";
            try
            {
                switch (op % 5)
                {
                    case 0 or 1: await host.Contests().VoteAsync(Shop, Washer, entry, voter, 1, key); break;
                    case 2: await host.Contests().UnvoteAsync(Shop, Washer, entry, voter, key); break;
                    case 3: await host.Contests().ReviewVotesAsync(Shop, Washer, entry, M("op"), approve: true, voter: null, "ok", key); break;
                    default: await host.Contests().ReviewVotesAsync(Shop, Washer, entry, M("op"), approve: false, voter, "fraud", key); break;
                }
            }
            catch (CommunityValidationException)
            {
                // Refused commands (a second vote, nothing held, nothing to void) are part of the mix.
            }

            host.Clock.Advance(TimeSpan.FromMinutes(op % 7));
        }

        var expected = await RecountAsync(host);
        Assert.Equal(expected, await RankingAsync(host));
        await host.Get<ICommunityReplayer>().RebuildAsync(Shop);
        Assert.Equal(expected, await RankingAsync(host));
    }

    private static async Task<List<(string Entry, double Votes)>> RankingAsync(Testing.TestHost host) =>
        (await host.Contests().RankingAsync(Shop, Washer)).Select(e => (e.Id, Math.Round(e.Votes, 9))).ToList();

    /// <summary>Counts the log's vote events independently of the projection: counted, held, revoked, approved, voided.</summary>
    private static async Task<List<(string Entry, double Votes)>> RecountAsync(Testing.TestHost host)
    {
        var votes = new Dictionary<(MemberId Voter, string Entry), (double Weight, VoteStatus Status)>();
        var entries = new List<string>();
        await foreach (var committed in host.Get<ICommunityStore>().ReadLogAsync(Shop, 0))
        {
            foreach (var e in committed.Events)
            {
                switch (e)
                {
                    case EntrySubmitted s: entries.Add(s.Entry); break;
                    case VoteCast c: votes[(c.Member, c.Entry)] = (c.Weight, c.Status); break;
                    case VoteRevoked r: votes.Remove((r.Member, r.Entry)); break;
                    case VotesReviewed r:
                        foreach (var voter in r.Voters)
                        {
                            var (weight, _) = votes[(voter, r.Entry)];
                            votes[(voter, r.Entry)] = (weight, r.Approved ? VoteStatus.Counted : VoteStatus.Voided);
                        }

                        break;
                }
            }
        }

        return entries
            .Select((id, index) => (Id: id, Index: index, Votes: votes.Where(v => v.Key.Entry == id && v.Value.Status == VoteStatus.Counted).Sum(v => v.Value.Weight)))
            .OrderByDescending(x => x.Votes).ThenBy(x => x.Index)
            .Select(x => (x.Id, Math.Round(x.Votes, 9)))
            .ToList();
    }
}
