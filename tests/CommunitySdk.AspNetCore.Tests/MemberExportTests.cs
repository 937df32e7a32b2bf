using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore.Tests;

/// <summary>A member's data export (docs/privacy.md): one document equal to what the individual queries return.</summary>
public class MemberExportTests
{
    private static readonly MemberId Ann = new("ann@example.com");
    private static readonly MemberId Bob = new("bob@example.com");

    [Fact]
    public async Task The_export_holds_what_each_query_returns_and_names_other_members_only_by_display_name()
    {
        await using var api = await Api.StartAsync();
        var services = api.Services;
        var members = services.GetRequiredService<IMemberDirectory>();
        var community = services.GetRequiredService<ICommunity>();
        await members.JoinAsync(Api.Shop, Ann, new JoinRequest { Profile = new Dictionary<string, string> { ["display_name"] = "Ann 安", ["city"] = "Chengdu" } });
        var code = await services.GetRequiredService<IReferralService>().GetOrCreateCodeAsync(Api.Shop, Ann);
        await members.JoinAsync(Api.Shop, Bob, new JoinRequest { Profile = new Dictionary<string, string> { ["display_name"] = "Bob" }, ReferralCode = code.Code });
        await community.RecordAsync(new Activity { Community = Api.Shop, Member = Ann, Type = "order.completed", IdempotencyKey = "order-1", Value = 40 });
        await community.RecordAsync(new Activity { Community = Api.Shop, Member = Ann, Type = "post.created", IdempotencyKey = "post-1", Attributes = new Dictionary<string, string> { ["subject"] = "我的水壶" } });
        await community.RecordAsync(new Activity { Community = Api.Shop, Member = Bob, Type = "order.completed", IdempotencyKey = "order-2", Value = 25, Attributes = new Dictionary<string, string> { ["note"] = "bob's secret" } });
        await api.RecordAsync("carol", "order.completed", "order-3", 99);

        using var document = await ExportAsync(services, Ann);
        var root = document.Root;

        Assert.Equal(IMemberDataExporter.Schema, root.GetProperty("schema").GetString());
        Assert.Equal(Ann.Value, root.GetProperty("member").GetString());
        Assert.Equal("Ann 安", root.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal("Chengdu", root.GetProperty("profile").GetProperty("fields").GetProperty("city").GetString());

        // Activities: exactly the member's history as ICommunity pages it; her own in full, others' without their data.
        var history = await AllHistoryAsync(community, Ann);
        var activities = root.GetProperty("activities").EnumerateArray().ToList();
        Assert.Equal(history.Select(a => a.ActivityId), activities.Select(a => a.GetProperty("activityId").GetInt64()));
        Assert.Contains(activities, a => a.GetProperty("own").GetBoolean() && a.GetProperty("attributes").TryGetProperty("subject", out var s) && s.GetString() == "我的水壶");
        var bobsOrder = Assert.Single(activities, a => !a.GetProperty("own").GetBoolean() && a.GetProperty("type").GetString() == "order.completed");
        Assert.False(bobsOrder.TryGetProperty("attributes", out _));
        Assert.False(bobsOrder.TryGetProperty("value", out _));

        // Points: balances and the ledger per currency, as the points service answers.
        var points = services.GetRequiredService<IPointsService>();
        var balances = await points.GetBalancesAsync(Api.Shop, Ann);
        Assert.Equal(balances.Select(b => (b.Currency, b.Total, b.Available)), root.GetProperty("points").GetProperty("balances").EnumerateArray().Select(b => (b.GetProperty("currency").GetString()!, b.GetProperty("total").GetDecimal(), b.GetProperty("available").GetDecimal())));
        var ledger = await points.GetHistoryAsync(Api.Shop, Ann, new LedgerPageRequest("coins", PageSize: 500));
        Assert.Equal(ledger.Items.Select(e => (e.Id, e.Amount, e.Reason)), root.GetProperty("points").GetProperty("ledger").GetProperty("coins").EnumerateArray().Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("amount").GetDecimal(), e.GetProperty("reason").GetString()!)));
        Assert.Contains(ledger.Items, e => e.Amount == 30); // the inviter reward Bob's order paid

        // Badges, referrals, scoring.
        var badges = services.GetRequiredService<IBadgeService>();
        Assert.Equal((await badges.GetBadgesAsync(Api.Shop, Ann)).Select(b => b.Badge.Id), root.GetProperty("badges").GetProperty("held").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.Equal((await badges.GetProgressAsync(Api.Shop, Ann)).Count, root.GetProperty("badges").GetProperty("progress").GetArrayLength());
        var referrals = root.GetProperty("referrals");
        Assert.Equal(code.Code, referrals.GetProperty("code").GetProperty("code").GetString());
        Assert.Equal(["Bob"], referrals.GetProperty("invitees").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(JsonValueKind.Null, referrals.GetProperty("invitedBy").ValueKind);
        var explained = await services.GetRequiredService<IScoringService>().ExplainAsync(Api.Shop, Ann);
        Assert.Equal(explained.Score, root.GetProperty("scoring").GetProperty("score").GetDouble(), tolerance: 1e-3); // decays between the two reads
        Assert.Equal((await services.GetRequiredService<ITierService>().GetProgressAsync(Api.Shop, Ann)).Tier, root.GetProperty("scoring").GetProperty("tier").GetProperty("name").GetString());

        // Other members appear by display name only: neither Bob's nor Carol's id, nor Bob's attributes.
        Assert.DoesNotContain(Bob.Value, document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("carol", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob's secret", document.Text, StringComparison.Ordinal);
        Assert.Contains("我的水壶", document.Text, StringComparison.Ordinal); // Chinese stays readable, not \u escaped

        // Bob's own export says who invited him, by name.
        using var bobs = await ExportAsync(services, Bob);
        Assert.Equal("Ann 安", bobs.Root.GetProperty("referrals").GetProperty("invitedBy").GetProperty("name").GetString());
        Assert.DoesNotContain(Ann.Value, bobs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_history_is_written_page_by_page_and_whole()
    {
        await using var api = await Api.StartAsync();
        var community = api.Services.GetRequiredService<ICommunity>();
        const int Count = 1_200; // three pages of activities, three of ledger entries
        for (var i = 0; i < Count; i++)
        {
            await community.RecordAsync(new Activity { Community = Api.Shop, Member = Ann, Type = "post.created", IdempotencyKey = $"post-{i}" });
        }

        var sink = new CountingStream();
        await api.Services.GetRequiredService<IMemberDataExporter>().ExportAsync(Api.Shop, Ann, sink);

        using var document = JsonDocument.Parse(sink.ToArray());
        Assert.Equal(Count, document.RootElement.GetProperty("activities").GetArrayLength());
        Assert.Equal(Count, document.RootElement.GetProperty("points").GetProperty("ledger").GetProperty("coins").GetArrayLength());
        Assert.True(sink.Writes >= 6, $"written in {sink.Writes} flushes"); // a page at a time, not one buffer at the end
    }

    [Fact]
    public async Task The_admin_endpoint_streams_the_document_and_is_not_open_to_members()
    {
        await using var api = await Api.StartAsync();
        await api.RecordAsync(Ann.Value, "order.completed", "order-1", 40);

        var response = await api.Client("operator", adminOf: "shop").GetAsync($"/api/community/shop/admin/members/{Uri.EscapeDataString(Ann.Value)}/export");
        var body = await EndpointTests.Json(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("member-export.json", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(Ann.Value, body.GetProperty("member").GetString());
        Assert.Equal(40m, body.GetProperty("points").GetProperty("balances")[0].GetProperty("total").GetDecimal());

        await EndpointTests.Json(await api.Client(Ann.Value).GetAsync($"/api/community/shop/admin/members/{Uri.EscapeDataString(Ann.Value)}/export"), HttpStatusCode.Forbidden);
        var missing = await EndpointTests.Json(await api.Client("operator", adminOf: "shop").GetAsync("/api/community/shop/admin/members/nobody/export"), HttpStatusCode.NotFound);
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
        await Assert.ThrowsAsync<MemberNotFoundException>(async () => await api.Services.GetRequiredService<IMemberDataExporter>().ExportAsync(Api.Shop, new MemberId("nobody"), Stream.Null));
    }

    [Fact]
    public async Task An_admin_erases_a_member_over_HTTP_and_their_export_is_gone_while_a_member_may_not_erase()
    {
        await using var api = await Api.StartAsync();
        var members = api.Services.GetRequiredService<IMemberDirectory>();
        await members.JoinAsync(Api.Shop, Ann, new JoinRequest { Profile = new Dictionary<string, string> { ["display_name"] = "Ann 安" } });
        await api.RecordAsync(Ann.Value, "order.completed", "order-1", 40);
        var path = $"/api/community/shop/admin/members/{Uri.EscapeDataString(Ann.Value)}/erasure";
        var admin = api.Client("operator", adminOf: "shop");

        await EndpointTests.Json(await api.Client(Ann.Value).PostAsJsonAsync(path, new ErasureRequest("mine")), HttpStatusCode.Forbidden);
        var problem = await EndpointTests.Json(await admin.PostAsJsonAsync(path, new ErasureRequest(null)), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.NotNull(await members.GetAsync(Api.Shop, Ann)); // refused: nothing changed

        var erased = await EndpointTests.Json(await admin.PostAsJsonAsync(path, new ErasureRequest("request 17")));
        Assert.True(erased.GetProperty("erased").GetBoolean());
        var tombstone = erased.GetProperty("tombstone").GetString()!;
        Assert.StartsWith("erased-", tombstone, StringComparison.Ordinal);
        await EndpointTests.Json(await admin.GetAsync($"/api/community/shop/admin/members/{Uri.EscapeDataString(Ann.Value)}/export"), HttpStatusCode.NotFound);
        Assert.Equal(40, EndpointTests.Coins(await EndpointTests.Json(await admin.GetAsync($"/api/community/shop/admin/members/{tombstone}/balances")))); // the books still balance
        var again = await EndpointTests.Json(await admin.PostAsJsonAsync(path, new ErasureRequest("request 17")));
        Assert.False(again.GetProperty("erased").GetBoolean()); // idempotent
    }

    private static async Task<Exported> ExportAsync(IServiceProvider services, MemberId member)
    {
        using var stream = new MemoryStream();
        await services.GetRequiredService<IMemberDataExporter>().ExportAsync(Api.Shop, member, stream);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        return new Exported(text, JsonDocument.Parse(text));
    }

    private static async Task<List<CommittedActivity>> AllHistoryAsync(ICommunity community, MemberId member)
    {
        var all = new List<CommittedActivity>();
        ActivityPageRequest? page = new(PageSize: 100);
        while (page is not null)
        {
            var result = await community.GetHistoryAsync(Api.Shop, member, page);
            all.AddRange(result.Items);
            page = result.Next;
        }

        return all;
    }

    private sealed record Exported(string Text, JsonDocument Document) : IDisposable
    {
        public JsonElement Root => Document.RootElement;

        public void Dispose() => Document.Dispose();
    }

    /// <summary>A memory stream that counts the writes reaching it.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
