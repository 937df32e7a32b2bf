using CommunitySdk.Points;
using static CommunitySdk.Contests.Tests.Fixture;

namespace CommunitySdk.Contests.Tests;

public class ResultsTests
{
    [Fact]
    public async Task Finishing_by_votes_pays_prizes_to_every_author_and_grants_the_honour_once()
    {
        await using var host = Host(c =>
        {
            c.Winners = 2;
            c.PrizeCurrency = "coins";
            c.Prizes.Add(500);
            c.Prizes.Add(100);
            c.HonourBadge = "inventor";
        });
        await host.Join("ann", "bob", "cy", "dee", "v1", "v2", "v3", "op");
        host.OpenSubmission();
        var first = await host.Submit("ann", "Rubber feet", "bob");
        var second = await host.Submit("cy", "Slower spin");
        var third = await host.Submit("dee", "Heavier drum");
        host.OpenVoting();
        foreach (var voter in new[] { "v1", "v2", "v3" })
        {
            await host.Vote(voter, first);
        }

        await host.Vote("v1", second);
        var early = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish").AsTask());
        Assert.Equal("contest", early.Field);
        host.CloseVoting();
        var outcome = await host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish");
        var finished = outcome.EffectsOf<ContestFinished>().Single();
        Assert.Equal([(1, first), (2, second)], finished.Winners.Select(w => (w.Place, w.Entry)));
        Assert.Equal([M("ann"), M("bob")], finished.Winners[0].Authors);
        Assert.Equal((500m, 500m, 100m, 0m), (await host.Coins("ann"), await host.Coins("bob"), await host.Coins("cy"), await host.Coins("dee")));
        Assert.True(await host.Holds("ann", "inventor") && await host.Holds("bob", "inventor") && await host.Holds("cy", "inventor"));
        Assert.False(await host.Holds("dee", "inventor"));

        // A retry with the same key changes nothing (the prizes were in the finish's own activity, the honours are idempotent).
        var retry = await host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish");
        Assert.True(retry.IsDuplicate);
        Assert.Equal(500m, await host.Coins("ann"));
        Assert.Equal(1, (await host.Get<Badges.IBadgeService>().GetBadgesAsync(Shop, M("ann"))).Single(b => b.Badge.Id == "inventor").Grants);
        var info = await host.Contests().GetAsync(Shop, Washer);
        Assert.Equal((ContestPhase.Finished, 2), (info.Phase, info.Winners.Count));
        var twice = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish-2").AsTask());
        Assert.Equal("contest", twice.Field);
        Assert.Empty((await host.Contests().VotesOfAsync(Shop, Washer, M("v1"))).Votes); // votes are dropped once the results are final
        Assert.Equal(3.0, (await host.Entry(first)).Votes);                                // the standings stay
        Assert.Equal(third, (await host.Contests().RankingAsync(Shop, Washer))[2].Id);
    }

    [Fact]
    public async Task A_shortlist_by_votes_and_judges_is_where_winners_come_from()
    {
        await using var host = Host(c => { c.Winners = 1; c.MaxEntriesPerMember = 4; });
        await host.Join("ann", "v1", "v2", "op");
        host.OpenSubmission();
        var ids = new List<string>();
        foreach (var title in new[] { "a", "b", "c", "d" })
        {
            ids.Add(await host.Submit("ann", title));
        }

        host.OpenVoting();
        await host.Vote("v1", ids[0]);
        await host.Vote("v2", ids[0]);
        await host.Vote("v1", ids[1]);
        host.CloseVoting();
        var shortlist = await host.Contests().ShortlistAsync(Shop, Washer, M("op"), top: 1, picks: [ids[3]], "shortlist");
        Assert.Equal([(ids[0], "votes"), (ids[3], "judges")], shortlist.EffectsOf<EntryShortlisted>().Select(e => (e.Entry, e.By)));
        var none = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Contests().ShortlistAsync(Shop, Washer, M("op"), top: 1, picks: [], "shortlist-2").AsTask());
        Assert.Equal("top", none.Field);
        var finished = (await host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish")).EffectsOf<ContestFinished>().Single();
        Assert.Equal([ids[0]], finished.Winners.Select(w => w.Entry)); // the shortlist by votes: a (2) beats d (0); b is not on it
    }

    [Fact]
    public async Task Judges_may_name_the_winners_in_their_own_order()
    {
        await using var host = Host(c => { c.MaxEntriesPerMember = 2; c.PrizeCurrency = "coins"; c.Prizes.Add(10); });
        await host.Join("ann", "bob", "op");
        host.OpenSubmission();
        var a = await host.Submit("ann", "a");
        var b = await host.Submit("bob", "b");
        host.OpenVoting();
        await host.Vote("op", a);
        host.CloseVoting();
        var unknown = await Assert.ThrowsAsync<ContestNotFoundException>(() => host.Contests().FinishAsync(Shop, Washer, M("op"), ["9"], "f0").AsTask());
        Assert.Equal("entry", unknown.Field);
        var finished = (await host.Contests().FinishAsync(Shop, Washer, M("op"), [b, a], "f1")).EffectsOf<ContestFinished>().Single();
        Assert.Equal([b, a], finished.Winners.Select(w => w.Entry));
        Assert.Equal((10m, 0m), (await host.Coins("bob"), await host.Coins("ann")));
    }

    [Fact]
    public async Task A_member_export_lists_their_entries_and_votes()
    {
        await using var host = Host();
        await host.Join("ann", "bob");
        host.OpenSubmission();
        var entry = await host.Submit("ann", "Rubber feet");
        host.OpenVoting();
        await host.Vote("bob", entry);
        using var stream = new MemoryStream();
        await host.Get<IMemberDataExporter>().ExportAsync(Shop, M("bob"), stream);
        using var document = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var contest = document.RootElement.GetProperty("contests")[0];
        Assert.Equal("washer", contest.GetProperty("contest").GetString());
        Assert.Equal(entry, contest.GetProperty("votes")[0].GetProperty("entry").GetString());
        Assert.Equal(0, contest.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Prizes_are_points_events_of_the_finish_itself()
    {
        await using var host = Host(c => { c.PrizeCurrency = "coins"; c.Prizes.Add(50); });
        await host.Join("ann", "op");
        host.OpenSubmission();
        await host.Submit("ann");
        host.OpenVoting();
        host.CloseVoting();
        var outcome = await host.Contests().FinishAsync(Shop, Washer, M("op"), [], "finish");
        var award = outcome.EffectsOf<PointsAwarded>().Single();
        Assert.Equal((M("ann"), 50m, "contest washer: place 1"), (award.Member, award.Amount, award.Reason));
    }
}

public class ErasureTests
{
    [Fact]
    public async Task An_erased_author_leaves_an_entry_without_their_words_and_with_its_votes()
    {
        await using var host = Host(c => c.MaxEntriesPerMember = 2);
        await host.Join("ann", "bob", "cy");
        host.OpenSubmission();
        var entry = await host.Submit("ann", "Rubber feet");
        await host.Contests().EditAsync(Shop, Washer, entry, M("ann"), "Rubber feet, v2", "Softer rubber", "edit");
        var other = await host.Submit("cy", "Heavier drum");
        host.OpenVoting();
        await host.Vote("bob", entry);
        var erasure = await host.Get<IMemberEraser>().EraseAsync(Shop, M("ann"), "deletion request");

        var erased = await host.Entry(entry);
        Assert.Equal((erasure.Tombstone!.Value, string.Empty, string.Empty, 1.0), (erased.Author, erased.Title, erased.Text, erased.Votes));
        Assert.Equal("Heavier drum", (await host.Entry(other)).Title); // someone else's words stay
        Assert.Empty(await host.Contests().EntriesOfAsync(Shop, Washer, M("ann")));
        await foreach (var committed in host.Get<Storage.ICommunityStore>().ReadLogAsync(Shop))
        {
            var stored = string.Join('\n', committed.Events.Select(e => e.ToString()));
            Assert.DoesNotContain("Rubber feet", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("Softer rubber", stored, StringComparison.Ordinal);
        }
    }
}
