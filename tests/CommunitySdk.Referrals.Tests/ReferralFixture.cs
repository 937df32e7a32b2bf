using CommunitySdk.Points;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Referrals.Tests;

internal static class Fixture
{
    public static readonly CommunityId Shop = new("shop");

    public static TestHost Host(Action<ReferralOptions>? referrals = null, bool points = true) => TestHost.Create(b =>
    {
        if (points)
        {
            b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 0.1m));
        }

        b.AddReferrals(r =>
        {
            if (points)
            {
                r.RewardBoth(inviter: 100, invitee: 50);
            }

            referrals?.Invoke(r);
        });
    });

    public static MemberId M(string id) => new(id);

    public static IReferralService Referrals(this TestHost host) => host.Get<IReferralService>();

    public static IInviteGraph Graph(this TestHost host) => host.Get<IInviteGraph>();

    public static async Task<string> CodeOf(this TestHost host, string member)
    {
        await host.Members.JoinAsync(Shop, M(member));
        return (await host.Referrals().GetOrCreateCodeAsync(Shop, M(member))).Code;
    }

    public static Task<ActivityOutcome> Join(this TestHost host, string member, string? code = null, string? visitor = null, string? fingerprint = null) =>
        host.Members.JoinAsync(Shop, M(member), new JoinRequest { ReferralCode = code, VisitorId = visitor, Fingerprint = fingerprint }).AsTask();

    public static Task<ActivityOutcome> Order(this TestHost host, string member, decimal value, string? key = null) =>
        host.Community.RecordAsync(new Activity
        {
            IdempotencyKey = key ?? $"order:{member}:{value}",
            Community = Shop,
            Member = M(member),
            Type = "order.completed",
            Value = value,
        }).AsTask();

    public static async Task<decimal> Coins(this TestHost host, string member) =>
        (await host.Get<IPointsReader>().GetBalanceAsync(Shop, M(member), "coins")).Total;
}
