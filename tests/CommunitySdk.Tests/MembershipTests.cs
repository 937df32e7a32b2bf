using CommunitySdk.Testing;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class MembershipTests
{
    [Fact]
    public async Task Join_records_profile_city_segments_and_join_time()
    {
        await using var host = TestHost.Create();
        var outcome = await host.Members.JoinAsync(A, new MemberId("alice"), new JoinRequest
        {
            Profile = new Dictionary<string, string> { ["city"] = "Chengdu", ["segments"] = "makers, vip" },
            ReferralCode = "ABC123",
        });

        var joined = Assert.IsType<MemberJoined>(Assert.Single(outcome.Effects));
        Assert.False(joined.Implicit);
        Assert.Equal("ABC123", outcome.Record.Activity.GetAttribute(CommunityActivityTypes.ReferralCodeAttribute));
        var member = await host.Members.GetAsync(A, new MemberId("alice"));
        Assert.NotNull(member);
        Assert.Equal("Chengdu", member.City);
        Assert.Equal(["makers", "vip"], member.Segments);
        Assert.Equal(TestHost.Start, member.JoinedAt);
    }

    [Fact]
    public async Task Joining_again_is_idempotent_but_joining_with_other_details_is_a_typed_error()
    {
        await using var host = TestHost.Create();
        var alice = new MemberId("alice");
        var first = await host.Members.JoinAsync(A, alice);
        Assert.True((await host.Members.JoinAsync(A, alice)).IsDuplicate);
        Assert.Equal(first.ActivityId, (await host.Members.JoinAsync(A, alice)).ActivityId);

        await Assert.ThrowsAsync<MemberAlreadyJoinedException>(() =>
            host.Members.JoinAsync(A, alice, new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "x" } }).AsTask());
        await Assert.ThrowsAsync<MemberAlreadyJoinedException>(() =>
            host.Members.JoinAsync(A, alice, new JoinRequest { IdempotencyKey = "other" }).AsTask());
        Assert.Equal(1, await host.Members.CountAsync(A));
    }

    [Fact]
    public async Task Profile_updates_set_and_remove_attributes()
    {
        await using var host = TestHost.Create();
        var alice = new MemberId("alice");
        await host.Members.JoinAsync(A, alice, new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Xi'an", ["segments"] = "a" } });
        await host.Members.UpdateProfileAsync(A, alice, new Dictionary<string, string> { ["city"] = "Wuhan", ["segments"] = "" }, "move-1");

        var member = (await host.Members.GetAsync(A, alice))!;
        Assert.Equal("Wuhan", member.City);
        Assert.Empty(member.Segments);
        await Assert.ThrowsAsync<MemberNotFoundException>(() =>
            host.Members.UpdateProfileAsync(A, new MemberId("nobody"), new Dictionary<string, string> { ["city"] = "x" }, "k").AsTask());
        var bad = await Assert.ThrowsAsync<CommunityValidationException>(() =>
            host.Members.UpdateProfileAsync(A, alice, new Dictionary<string, string> { ["Bad Name"] = "x" }, "k2").AsTask());
        Assert.Equal("changes[Bad Name]", bad.Field);
    }

    [Fact]
    public async Task List_returns_members_in_join_order_and_validates_paging()
    {
        await using var host = TestHost.Create();
        foreach (var name in new[] { "c", "a", "b" })
        {
            await host.Community.RecordAsync(Make($"k-{name}", member: name));
        }

        Assert.Equal(["c", "a", "b"], (await host.Members.ListAsync(A)).Select(m => m.Member.Value));
        Assert.Equal(["a"], (await host.Members.ListAsync(A, skip: 1, take: 1)).Select(m => m.Member.Value));
        Assert.Equal("take", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Members.ListAsync(A, take: 0).AsTask())).Field);
        Assert.Equal("skip", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Members.ListAsync(A, skip: -1).AsTask())).Field);
    }
}
