using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Scoring.Tests;

internal static class Fixture
{
    public static readonly CommunityId Shop = new("shop");

    public static TestHost Host(Action<ScoringOptions>? scoring = null, string timeZone = "UTC", bool referrals = false) => TestHost.Create(
        b =>
        {
            b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
            if (referrals)
            {
                b.AddReferrals(_ => { });
            }

            b.AddScoring(s => scoring?.Invoke(s));
        },
        o => o.TimeZone = timeZone);

    public static MemberId M(string id) => new(id);

    public static IScoringService Scores(this TestHost host) => host.Get<IScoringService>();

    public static Task<ActivityOutcome> Act(this TestHost host, string member, string type, string? key = null, DateTimeOffset? at = null, decimal? value = null, IReadOnlyDictionary<string, string>? attributes = null) =>
        host.Community.RecordAsync(Activities.Make(key ?? Guid.NewGuid().ToString("N"), member, type, Shop, value, at, attributes)).AsTask();

    public static async Task<double> Score(this TestHost host, string member) => (await host.Scores().ExplainAsync(Shop, M(member))).Score;

    public static async Task Join(this TestHost host, string member, string? inviter = null, string? city = null)
    {
        string? code = inviter is null ? null : (await host.Get<IReferralService>().GetOrCreateCodeAsync(Shop, M(inviter))).Code;
        var profile = city is null ? null : new Dictionary<string, string> { ["city"] = city };
        await host.Members.JoinAsync(Shop, M(member), new JoinRequest { ReferralCode = code, Profile = profile });
    }
}
