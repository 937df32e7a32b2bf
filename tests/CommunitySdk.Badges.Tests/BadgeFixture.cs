using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Badges.Tests;

internal static class Fixture
{
    public static readonly CommunityId Shop = new("shop");

    public static TestHost Host(Action<BadgeOptions> badges, string timeZone = "UTC", Action<ICommunitySdkBuilder>? more = null) => TestHost.Create(
        b =>
        {
            b.AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1));
            b.AddBadges(badges);
            more?.Invoke(b);
        },
        o => o.TimeZone = timeZone);

    public static MemberId M(string id) => new(id);

    public static IBadgeService Badges(this TestHost host) => host.Get<IBadgeService>();

    public static Task<ActivityOutcome> Act(this TestHost host, string member, string type, string? key = null, DateTimeOffset? at = null, decimal? value = null, IReadOnlyDictionary<string, string>? attributes = null) =>
        host.Community.RecordAsync(Activities.Make(key ?? Guid.NewGuid().ToString("N"), member, type, Shop, value, at, attributes)).AsTask();

    public static IEnumerable<BadgeEarned> Earned(this ActivityOutcome outcome) => outcome.Effects.OfType<BadgeEarned>();

    public static async Task<string[]> Held(this TestHost host, string member) =>
        (await host.Badges().GetBadgesAsync(Shop, M(member))).Where(b => !b.Revoked).Select(b => b.Badge.Id).ToArray();

    public static async Task Join(this TestHost host, string member, string? inviter = null)
    {
        string? code = inviter is null ? null : (await host.Get<IReferralService>().GetOrCreateCodeAsync(Shop, M(inviter))).Code;
        await host.Members.JoinAsync(Shop, M(member), new JoinRequest { ReferralCode = code });
    }

    public static Dictionary<string, string> Attr(string name, string value) => new() { [name] = value };
}
