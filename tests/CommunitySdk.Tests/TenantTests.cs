using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommunitySdk.Testing.Activities;

namespace CommunitySdk.Tests;

public class TenantTests
{
    [Fact]
    public async Task Nothing_recorded_in_one_community_is_visible_from_another()
    {
        await using var host = TestHost.Create(b =>
        {
            b.Services.AddSingleton<RunLog>();
            b.AddReactor<EarlyReactor>().AddProjection<CountingProjection>();
        });
        var alice = new MemberId("alice");
        await host.Members.JoinAsync(A, alice, new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Beijing" } });
        await host.Community.RecordAsync(Make("k1", community: A, value: 7));

        Assert.Null(await host.Members.GetAsync(B, alice));
        Assert.Equal(0, await host.Members.CountAsync(B));
        Assert.Empty((await host.Community.GetHistoryAsync(B, alice)).Items);
        Assert.Null(await host.Get<ICommunityStore>().FindAsync(B, "k1"));
        Assert.Equal((0, 0m), host.Get<CountingProjection>().Get(B, alice));

        // The same key in B is a different activity, not a duplicate nor a conflict.
        var inB = await host.Community.RecordAsync(Make("k1", community: B, value: 8));
        Assert.False(inB.IsDuplicate);
        Assert.Equal(1, inB.ActivityId);
        Assert.Equal((2, 7m), host.Get<CountingProjection>().Get(A, alice)); // the join and the activity
        Assert.Equal((1, 8m), host.Get<CountingProjection>().Get(B, alice));
        Assert.Equal("Beijing", (await host.Members.GetAsync(A, alice))!.City);
        Assert.Null((await host.Members.GetAsync(B, alice))!.City);
    }
}
