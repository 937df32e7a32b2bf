using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunitySdk.Contests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CommunitySdk.AspNetCore.Tests.EndpointTests;

namespace CommunitySdk.AspNetCore.Tests;

public class ContestEndpointTests
{
    private const string Base = "/api/community/shop";
    private const string Washer = $"{Base}/contests/washer";

    private static Task<Api> StartAsync(FakeTimeProvider clock) => Api.StartAsync(host: h =>
    {
        h.Services.AddSingleton<TimeProvider>(clock);
        h.Services.Configure<ContestOptions>(o => o.Contest("washer", "A quieter washing machine", new DateTime(2026, 3, 2, 10, 0, 0), new DateTime(2026, 3, 5), new DateTime(2026, 3, 8), d =>
        {
            d.PrizeCurrency = "coins";
            d.Prizes.Add(200);
        }));
    });

    [Fact]
    public async Task Members_submit_and_vote_as_themselves_and_an_admin_reviews_and_announces_the_results()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var api = await StartAsync(clock);
        var (ann, bob, admin) = (api.Client("ann"), api.Client("bob"), api.Client("root", adminOf: "shop"));
        await Json(await ann.PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest(new Dictionary<string, string> { ["display_name"] = "Ann" })));
        await Json(await bob.PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest()));
        clock.Advance(TimeSpan.FromHours(1));

        var request = new ContestEntryRequest("Rubber feet", "Stand it on rubber", "entry-1");
        var entry = await Json(await ann.PostAsJsonAsync($"{Washer}/entries", request));
        Assert.Equal(("1", "Ann", true), (entry.GetProperty("id").GetString(), entry.GetProperty("authors")[0].GetString(), entry.GetProperty("isMine").GetBoolean()));
        Assert.Equal("1", (await Json(await ann.PostAsJsonAsync($"{Washer}/entries", request))).GetProperty("id").GetString()); // a retry
        var early = await Json(await bob.PostAsJsonAsync($"{Washer}/entries/1/vote", new ContestActionRequest("vote-early")), HttpStatusCode.BadRequest);
        Assert.True(early.GetProperty("errors").TryGetProperty("contest", out _));

        clock.Advance(TimeSpan.FromDays(3));
        var vote = await Json(await bob.PostAsJsonAsync($"{Washer}/entries/1/vote", new ContestActionRequest("vote-1")));
        Assert.Equal(["VoteCast"], vote.GetProperty("effects").EnumerateArray().Select(e => e.GetString()));
        var twice = await Json(await bob.PostAsJsonAsync($"{Washer}/entries/1/vote", new ContestActionRequest("vote-2")), HttpStatusCode.BadRequest);
        Assert.True(twice.GetProperty("errors").TryGetProperty("entry", out _));
        await Json(await ann.PostAsJsonAsync($"{Washer}/entries/1/vote", new ContestActionRequest("self"))); // held, not refused

        var ranking = await Json(await bob.GetAsync($"{Washer}/entries"));
        var row = Assert.Single(ranking.EnumerateArray());
        Assert.Equal((1.0, 1, false), (row.GetProperty("votes").GetDouble(), row.GetProperty("rank").GetInt32(), row.GetProperty("isMine").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("authorIds").ValueKind); // member ids stay private
        var mine = await Json(await bob.GetAsync($"{Washer}/me"));
        Assert.Equal("1", mine.GetProperty("votes").GetProperty("votes")[0].GetProperty("entry").GetString());

        var review = Assert.Single((await Json(await admin.GetAsync($"{Base}/admin/contests/washer/review"))).EnumerateArray());
        var held = Assert.Single(review.GetProperty("held").EnumerateArray());
        Assert.Equal(("ann", VoteHoldReasons.SelfVote), (held.GetProperty("voter").GetString(), held.GetProperty("reasons")[0].GetString()));
        var noDecision = await Json(await admin.PostAsJsonAsync($"{Base}/admin/contests/washer/entries/1/votes/review", new ContestDecisionRequest("maybe", "x", "r0")), HttpStatusCode.BadRequest);
        Assert.True(noDecision.GetProperty("errors").TryGetProperty("decision", out _));
        await Json(await admin.PostAsJsonAsync($"{Base}/admin/contests/washer/entries/1/votes/review", new ContestDecisionRequest("void", "self-vote", "r1")));
        Assert.Empty((await Json(await admin.GetAsync($"{Base}/admin/contests/washer/review"))).EnumerateArray());

        var tooEarly = await Json(await admin.PostAsJsonAsync($"{Base}/admin/contests/washer/finish", new ContestResultRequest("finish")), HttpStatusCode.BadRequest);
        Assert.True(tooEarly.GetProperty("errors").TryGetProperty("contest", out _));
        clock.Advance(TimeSpan.FromDays(3));
        await Json(await admin.PostAsJsonAsync($"{Base}/admin/contests/washer/finish", new ContestResultRequest("finish")));
        var contest = await Json(await bob.GetAsync(Washer));
        Assert.Equal("finished", contest.GetProperty("contest").GetProperty("phase").GetString());
        var winner = Assert.Single(contest.GetProperty("winners").EnumerateArray());
        Assert.Equal(("Ann", 1), (winner.GetProperty("authors")[0].GetString(), winner.GetProperty("place").GetInt32()));
        Assert.Equal(200, Coins(await Json(await ann.GetAsync($"{Base}/me/balances"))));
    }

    [Fact]
    public async Task Unknown_contests_and_entries_are_404_problems_and_members_cannot_use_the_contest_commands_directly()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero));
        await using var api = await StartAsync(clock);
        var bob = api.Client("bob");
        await Json(await bob.PostAsJsonAsync($"{Base}/me/join", new MemberJoinRequest()));
        var contest = await Json(await bob.GetAsync($"{Base}/contests/nope"), HttpStatusCode.NotFound);
        Assert.Equal("Contest not found", contest.GetProperty("title").GetString());
        var entry = await Json(await bob.PostAsJsonAsync($"{Washer}/entries/9/vote", new ContestActionRequest("v")), HttpStatusCode.NotFound);
        Assert.Equal(("Entry not found", "entry"), (entry.GetProperty("title").GetString(), entry.GetProperty("field").GetString()));
        var direct = new RecordActivityRequest(ContestActivityTypes.Vote, "direct", Attributes: new Dictionary<string, string> { ["contest"] = "washer", ["entry"] = "1" });
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync($"{Base}/activities", direct)).StatusCode);
        var shortlist = await Json(await api.Client("root", adminOf: "shop").PostAsJsonAsync($"{Base}/admin/contests/washer/shortlist", new ContestResultRequest(null, Top: 2)), HttpStatusCode.BadRequest);
        Assert.True(shortlist.GetProperty("errors").TryGetProperty("idempotencyKey", out _));
    }
}
