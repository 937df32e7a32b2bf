using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Points.Tests;

/// <summary>Helpers shared by the points tests.</summary>
internal static class Points
{
    public static readonly CommunityId Shop = new("shop");
    public static readonly MemberId Alice = new("alice");
    public static readonly MemberId Bob = new("bob");

    public static TestHost Host(Action<PointsOptions> points, string timeZone = "UTC", Action<ICommunitySdkBuilder>? more = null) =>
        TestHost.Create(
            b =>
            {
                b.AddPoints(points);
                more?.Invoke(b);
            },
            o => o.TimeZone = timeZone);

    public static IPointsService Service(this TestHost host) => host.Get<IPointsService>();

    public static Task<ActivityOutcome> Do(this TestHost host, string key, string type, MemberId? member = null, decimal? value = null, DateTimeOffset? at = null) =>
        host.Community.RecordAsync(new Activity
        {
            IdempotencyKey = key,
            Community = Shop,
            Member = member ?? Alice,
            Type = type,
            Value = value,
            OccurredAt = at,
        }).AsTask();

    public static async Task<PointsBalance> Balance(this TestHost host, string currency, MemberId? member = null) =>
        await host.Service().GetBalanceAsync(Shop, member ?? Alice, currency);

    public static async Task<decimal> Total(this TestHost host, string currency, MemberId? member = null) => (await host.Balance(currency, member)).Total;

    public static async Task<long> LastActivity(this TestHost host) => await host.Get<ICommunityStore>().GetLastActivityIdAsync(Shop);

    /// <summary>Every ledger entry of a member, oldest first, through the public paged history.</summary>
    public static async Task<List<LedgerEntry>> Ledger(this TestHost host, MemberId? member = null, string? currency = null)
    {
        var all = new List<LedgerEntry>();
        LedgerPageRequest? request = new(currency, PageSize: 50);
        while (request is not null)
        {
            var page = await host.Service().GetHistoryAsync(Shop, member ?? Alice, request);
            all.AddRange(page.Items);
            request = page.Next;
        }

        all.Reverse();
        return all;
    }
}
