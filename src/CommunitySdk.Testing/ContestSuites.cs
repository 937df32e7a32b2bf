using System.Collections.Concurrent;
using System.Globalization;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>
/// Contests on the store: concurrent voters with retried keys give exactly one vote per key, a host started on the
/// store folds the same ranking as the live one, and two communities running the same contest never see each other.
/// </summary>
[ConformanceSuite]
public abstract class ContestConformance : StoreConformanceBase
{
    private static readonly DateTime Opens = new(2026, 3, 2, 10, 0, 0);

    /// <summary>8 writers vote for 5 entries, every key sent twice by different writers: one vote per key, rankings match the log.</summary>
    [Fact]
    public async Task Concurrent_voters_with_retried_keys_count_once_and_a_restart_folds_the_same_ranking()
    {
        var clock = new ManualClock(Now);
        var community = Community("contest");
        IReadOnlyList<ContestEntry> live;
        await using (var provider = Host(clock))
        {
            var contests = provider.GetRequiredService<IContestService>();
            var directory = provider.GetRequiredService<IMemberDirectory>();
            for (var i = 0; i < 60; i++)
            {
                await directory.JoinAsync(community, new MemberId($"m{i}"));
            }

            clock.Advance(TimeSpan.FromHours(1));
            for (var i = 0; i < 5; i++)
            {
                await contests.SubmitAsync(community, "ideas", new MemberId($"m{i}"), new EntrySubmission { Title = $"idea {i}", IdempotencyKey = $"submit-{i}" });
            }

            clock.Advance(TimeSpan.FromDays(3));
            var random = new Random(5);
            var votes = Enumerable.Range(0, 200).Select(i => (Voter: new MemberId($"m{5 + random.Next(55)}"), Entry: ((i % 5) + 1).ToString(CultureInfo.InvariantCulture), Key: $"vote-{i}")).ToList();
            var queue = new ConcurrentQueue<(MemberId Voter, string Entry, string Key)>(votes.Concat(votes).OrderBy(_ => random.Next()));
            var outcomes = new ConcurrentBag<ActivityOutcome>();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (queue.TryDequeue(out var vote))
                {
                    try
                    {
                        outcomes.Add(await contests.VoteAsync(community, "ideas", vote.Entry, vote.Voter, 1, vote.Key));
                    }
                    catch (CommunityValidationException ex) when (ex.Field == "entry")
                    {
                        // The same member already voted for the entry under another key.
                    }
                }
            })));

            foreach (var byKey in outcomes.GroupBy(o => o.Record.Activity.IdempotencyKey))
            {
                Assert.Single(byKey.Select(o => o.ActivityId).Distinct()); // a retry returns the first outcome
            }

            var log = await ReadAllAsync(Store, community);
            var cast = log.SelectMany(a => a.Events.OfType<VoteCast>()).ToList();
            Assert.Equal(cast.Count, cast.Select(v => (v.Member, v.Entry)).Distinct().Count()); // one vote per member and entry
            Assert.Equal(outcomes.Select(o => o.ActivityId).Distinct().Count(), cast.Count);
            live = await contests.RankingAsync(community, "ideas", 0, 10);
            var counted = cast.GroupBy(v => v.Entry).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(live, e => Assert.Equal(counted.GetValueOrDefault(e.Id), e.Voters));
        }

        await using var restarted = Host(clock);
        Assert.Equal(live, await restarted.GetRequiredService<IContestService>().RankingAsync(community, "ideas", 0, 10), new EntryComparer());
    }

    /// <summary>Two communities run the same contest: entries, votes and rankings stay within each.</summary>
    [Fact]
    public async Task The_same_contest_in_two_communities_stays_apart()
    {
        var clock = new ManualClock(Now);
        var a = Community("a");
        var b = Community("b");
        await using var provider = Host(clock);
        var contests = provider.GetRequiredService<IContestService>();
        var directory = provider.GetRequiredService<IMemberDirectory>();
        foreach (var community in new[] { a, b })
        {
            await directory.JoinAsync(community, new MemberId("ann"));
            await directory.JoinAsync(community, new MemberId("bob"));
        }

        clock.Advance(TimeSpan.FromHours(1));
        var entry = await contests.SubmitAsync(a, "ideas", new MemberId("ann"), new EntrySubmission { Title = "only in a", IdempotencyKey = "same-key" });
        clock.Advance(TimeSpan.FromDays(3));
        await contests.VoteAsync(a, "ideas", entry.Id, new MemberId("bob"), 1, "vote");
        await Assert.ThrowsAsync<ContestNotFoundException>(() => contests.VoteAsync(b, "ideas", entry.Id, new MemberId("bob"), 1, "vote").AsTask());
        Assert.Empty(await contests.RankingAsync(b, "ideas"));
        Assert.Equal(1.0, (await contests.RankingAsync(a, "ideas")).Single().Votes);
        Assert.Empty((await contests.VotesOfAsync(b, "ideas", new MemberId("bob"))).Votes);
        Assert.DoesNotContain(await ReadAllAsync(Store, b), c => c.Events.OfType<VoteCast>().Any());
    }

    private ServiceProvider Host(TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddPoints(p => p.Currency("coins"))
            .AddContests(c => c.Contest("ideas", "Ideas", Opens, Opens.AddDays(3), Opens.AddDays(6), d => d.HoldLateJoinerVotes = false))
            .UseStore(_ => new ObservedStore(Store)); // the test's store outlives each host
        return services.BuildServiceProvider();
    }

    private sealed class EntryComparer : IEqualityComparer<ContestEntry>
    {
        public bool Equals(ContestEntry? x, ContestEntry? y) =>
            x is not null && y is not null && (x.Id, x.Author, x.Title, x.Status, x.Votes, x.Voters, x.Rank, x.SubmittedAt) == (y.Id, y.Author, y.Title, y.Status, y.Votes, y.Voters, y.Rank, y.SubmittedAt);

        public int GetHashCode(ContestEntry obj) => HashCode.Combine(obj.Id, obj.Votes);
    }
}
