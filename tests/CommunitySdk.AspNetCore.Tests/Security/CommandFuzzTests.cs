using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using FsCheck.Xunit;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.AspNetCore.Tests.Security;

/// <summary>
/// Random attribute maps for every feature's command types, recorded through the trusted path (what a host's
/// code or an admin endpoint reaches): whatever the attributes say, the only exception that escapes is a
/// <see cref="CommunityValidationException"/> naming a field, and a refused command writes nothing.
/// FsCheck generates and shrinks the script (five bytes per command).
/// </summary>
public class CommandFuzzTests
{
    private static readonly string[] Types = ReservedTypeTests.SdkCommandTypes().ToArray();

    private static readonly string[] Names =
    [
        "currency", "reason", "source", "badge", "tier", "endorser", "code", "vanity", "default", "max_uses", "expires_at",
        "segment", "enabled", "visitor", "profile.city", "profile.segments", "profile.display_name", "referral.code",
        "referral.visitor", "fingerprint", "event", "subject", "x1",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "abc", "0", "-1", "1", "99999999999", "1e400", "NaN", "true", "false", "TRUE", "2026-13-45",
        "2030-01-01T00:00:00Z", "2001-01-01T00:00:00+00:00", "garbage", "coins", "helper", "first-post", "ann", "bob",
        "nobody", "order-ann", "top", "newcomer", "自己", new string('x', 256), "ABCD2345", "2345ABCD", "vip",
    ];

    private static readonly decimal?[] Values = [null, -5m, 0m, 1m, 10m, 0.001m, 1_000_000_000_000_000m, 40m];

    [Property(MaxTest = 60)]
    public void Only_validation_errors_escape_and_refused_commands_write_nothing(byte[] script) => RunAsync(script).GetAwaiter().GetResult();

    private static async Task RunAsync(byte[] script)
    {
        await using var host = TestHost.Create(b => b
            .AddPoints(p => p.Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 3; }).Rule("order.completed", perUnit: 1))
            .AddBadges(x => x.Badge("first-post", "First post", BadgeCriteria.Count("post.created", 1)).Honour("helper", "Helper"))
            .AddReferrals(r => r.RewardBoth(inviter: 30, invitee: 10, currency: "coins"))
            .AddScoring(s => s.Tier("newcomer").Tier("top", t => t.MinScore = 1)));
        var community = host.Community;
        await host.Members.JoinAsync(Activities.A, new MemberId("ann"));
        await host.Members.JoinAsync(Activities.A, new MemberId("bob"));
        await community.RecordAsync(Activities.Make("order-ann", "ann", "order.completed", value: 40));
        var store = host.Get<Storage.ICommunityStore>();
        for (var i = 0; i + 4 < script.Length; i += 5)
        {
            var type = Types[script[i] % Types.Length];
            var member = type == CommunityActivityTypes.MemberJoined ? $"new{i}" : script[i + 1] % 3 == 0 ? "bob" : "ann";
            var attributes = new Dictionary<string, string>();
            for (var a = 0; a < script[i + 2] % 5; a++)
            {
                attributes[Names[(script[i + 3] + (a * 7)) % Names.Length]] = Texts[(script[i + 4] + (a * 11)) % Texts.Length];
            }

            var before = await store.GetLastActivityIdAsync(Activities.A);
            try
            {
                await community.RecordAsync(new Activity
                {
                    Community = Activities.A,
                    Member = new MemberId(member),
                    Type = type,
                    IdempotencyKey = $"fuzz-{i}",
                    Value = Values[script[i + 1] % Values.Length],
                    Attributes = attributes,
                });
            }
            catch (CommunityValidationException error)
            {
                Assert.False(string.IsNullOrEmpty(error.Field));
                Assert.Equal(before, await store.GetLastActivityIdAsync(Activities.A));
            }

            host.Clock.Advance(TimeSpan.FromHours(script[i + 2] % 30));
        }

        foreach (var member in new[] { "ann", "bob" })
        {
            Assert.True((await host.Get<IPointsService>().GetBalanceAsync(Activities.A, new MemberId(member), "coins")).Available >= 0);
        }
    }
}
