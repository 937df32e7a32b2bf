using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Contests.Tests;

/// <summary>
/// A shop with one contest ("washer") whose submission opens an hour after the test clock's start (2026-03-02 10:00, the
/// community's time zone is UTC, so members who join at the start joined before it), voting on 03-05 and judging on 03-08; referrals give the invite forest the fraud
/// rules read.
/// </summary>
internal static class Fixture
{
    public static readonly CommunityId Shop = new("shop");

    public const string Washer = "washer";

    public static readonly DateTime SubmissionOpens = new(2026, 3, 2, 10, 0, 0);

    public static TestHost Host(Action<ContestDefinition>? contest = null, Action<ContestOptions>? options = null) => TestHost.Create(b => b
        .AddPoints(p => p.Currency("coins", spendable: true))
        .AddBadges(x => x.Honour("inventor", "Inventor"))
        .AddReferrals(_ => { })
        .AddContests(o =>
        {
            o.Contest(Washer, "A quieter washing machine", SubmissionOpens, SubmissionOpens.AddDays(3), SubmissionOpens.AddDays(6), contest);
            options?.Invoke(o);
        }));

    public static MemberId M(string id) => new(id);

    public static IContestService Contests(this TestHost host) => host.Get<IContestService>();

    /// <summary>Joins members (before the contest starts unless the clock moved).</summary>
    public static async Task Join(this TestHost host, params string[] members)
    {
        foreach (var member in members)
        {
            await host.Members.JoinAsync(Shop, M(member));
        }
    }

    /// <summary>Joins <paramref name="invitee"/> with <paramref name="inviter"/>'s referral code.</summary>
    public static async Task Invite(this TestHost host, string inviter, string invitee)
    {
        var code = (await host.Get<Referrals.IReferralService>().GetOrCreateCodeAsync(Shop, M(inviter))).Code;
        await host.Members.JoinAsync(Shop, M(invitee), new JoinRequest { ReferralCode = code });
    }

    public static async Task<string> Submit(this TestHost host, string author, string title = "Rubber feet", params string[] coAuthors) =>
        (await host.Contests().SubmitAsync(Shop, Washer, M(author), new EntrySubmission
        {
            Title = title,
            Text = "Stand it on rubber.",
            CoAuthors = coAuthors.Select(M).ToArray(),
            IdempotencyKey = $"submit:{author}:{title}",
        })).Id;

    public static void OpenSubmission(this TestHost host) => host.Clock.Advance(TimeSpan.FromHours(1));

    public static void OpenVoting(this TestHost host) => host.Clock.Advance(TimeSpan.FromDays(3));

    public static void CloseVoting(this TestHost host) => host.Clock.Advance(TimeSpan.FromDays(3));

    public static async Task<VoteCast> Vote(this TestHost host, string voter, string entry, int votes = 1, string? key = null) =>
        (await host.Contests().VoteAsync(Shop, Washer, entry, M(voter), votes, key ?? $"vote:{voter}:{entry}:{Guid.NewGuid():N}")).EffectsOf<VoteCast>().Single();

    public static async Task<ContestEntry> Entry(this TestHost host, string entry) =>
        (await host.Contests().GetEntryAsync(Shop, Washer, entry))!;

    public static async Task<decimal> Coins(this TestHost host, string member) =>
        (await host.Get<IPointsReader>().GetBalanceAsync(Shop, M(member), "coins")).Total;

    public static async Task<bool> Holds(this TestHost host, string member, string badge) =>
        (await host.Get<IBadgeService>().GetBadgesAsync(Shop, M(member))).Any(b => b.Badge.Id == badge && !b.Revoked);
}
