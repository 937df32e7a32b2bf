using static CommunitySdk.Referrals.Tests.Fixture;

namespace CommunitySdk.Referrals.Tests;

public class CodeTests
{
    [Fact]
    public async Task Default_codes_are_short_unambiguous_stable_and_collision_free()
    {
        await using var host = Host();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 1500; i++)
        {
            var code = await host.CodeOf($"m{i}");
            Assert.Equal(7, code.Length);
            Assert.All(code, c => Assert.Contains(c, "23456789ABCDEFGHJKMNPQRSTVWXYZ"));
            Assert.True(codes.Add(Skeleton(code)), $"skeleton of {code} repeated");
        }

        var again = await host.Referrals().GetOrCreateCodeAsync(Shop, M("m7"));
        Assert.Equal(await host.CodeOf("m7"), again.Code);
    }

    [Fact]
    public async Task A_code_is_found_as_a_join_finds_it_and_finding_records_nothing()
    {
        await using var host = Host();
        var code = await host.CodeOf("alice");
        var found = await host.Referrals().FindCodeAsync(Shop, $"  {code.ToLowerInvariant()} ");
        Assert.Equal(M("alice"), found?.Owner);
        Assert.Equal(code, found?.Code);
        var invite = await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest { VanityCode = "MAKERS10" });
        Assert.Equal(invite.Code, (await host.Referrals().FindCodeAsync(Shop, "makersIO"))?.Code); // look-alike characters, as joins accept them
        var before = await host.Get<Storage.ICommunityStore>().GetLastActivityIdAsync(Shop);
        Assert.Null(await host.Referrals().FindCodeAsync(Shop, "NOSUCHCODE"));
        Assert.Null(await host.Referrals().FindCodeAsync(Shop, new string('A', 200)));
        Assert.Null(await host.Referrals().FindCodeAsync(Shop, " "));
        Assert.Equal(before, await host.Get<Storage.ICommunityStore>().GetLastActivityIdAsync(Shop));
    }

    [Fact]
    public async Task Concurrent_requests_for_a_default_code_agree_on_one()
    {
        await using var host = Host();
        await host.Members.JoinAsync(Shop, M("alice"));
        var codes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => host.Referrals().GetOrCreateCodeAsync(Shop, M("alice")).AsTask())));
        Assert.Single(codes.Select(c => c.Code).Distinct());
    }

    [Fact]
    public async Task Vanity_codes_are_checked_for_look_alikes_and_offensive_words_and_found_when_mistyped()
    {
        await using var host = Host();
        await host.Members.JoinAsync(Shop, M("alice"));
        await host.Members.JoinAsync(Shop, M("bob"));
        var vanity = await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest { VanityCode = "Friend0" });
        Assert.Equal("FRIEND0", vanity.Code);

        var lookAlike = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("bob"), new InviteRequest { VanityCode = "FRIENDO" }).AsTask());
        Assert.Equal(("code", "is taken"), (lookAlike.Field, lookAlike.Reason));
        var rude = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("bob"), new InviteRequest { VanityCode = "FUCKOFF" }).AsTask());
        Assert.Contains("offensive", rude.Reason, StringComparison.Ordinal);
        var odd = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Referrals().CreateInviteAsync(Shop, M("bob"), new InviteRequest { VanityCode = "héllo!" }).AsTask());
        Assert.Equal("code", odd.Field);

        var joined = await host.Join("carol", code: "friendo"); // typed O for 0, lower case
        Assert.Equal(M("alice"), Assert.Single(joined.EffectsOf<ReferralJoined>()).Inviter);
    }

    [Fact]
    public async Task Multi_use_links_honour_their_use_limit_expiry_and_disable()
    {
        await using var host = Host();
        await host.Members.JoinAsync(Shop, M("alice"));
        var link = await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest { MaxUses = 2, ExpiresAt = host.Clock.GetUtcNow().AddDays(7) });
        await host.Join("a1", link.Code);
        await host.Join("a2", link.Code);
        var full = await Assert.ThrowsAsync<CommunityValidationException>(() => host.Join("a3", link.Code));
        Assert.Equal("referralCode", full.Field);
        Assert.Contains("limit of 2 uses", full.Reason, StringComparison.Ordinal);
        Assert.Null(await host.Members.GetAsync(Shop, M("a3"))); // the join was refused whole

        var weekly = await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest { ExpiresAt = host.Clock.GetUtcNow().AddDays(7) });
        await host.Referrals().SetCodeEnabledAsync(Shop, weekly.Code, enabled: false, "off");
        Assert.Contains("disabled", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Join("b1", weekly.Code))).Reason, StringComparison.Ordinal);
        await host.Referrals().SetCodeEnabledAsync(Shop, weekly.Code, enabled: true, "on");
        await host.Join("b1", weekly.Code);
        host.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Contains("expired", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Join("b2", weekly.Code))).Reason, StringComparison.Ordinal);
        Assert.Equal("referralCode", (await Assert.ThrowsAsync<CommunityValidationException>(() => host.Join("b3", "NOSUCH9"))).Field);
    }

    [Fact]
    public async Task Daily_invite_quota_holds_under_a_hundred_parallel_requests()
    {
        await using var host = Host(r => r.DailyInviteQuota = 10);
        await host.Members.JoinAsync(Shop, M("alice"));
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            try
            {
                await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest { IdempotencyKey = $"invite-{i}" });
                return "ok";
            }
            catch (CommunityValidationException ex)
            {
                return ex.Field;
            }
        })));

        Assert.Equal(10, results.Count(r => r == "ok"));
        Assert.Equal(90, results.Count(r => r == "quota"));
        host.Clock.Advance(TimeSpan.FromDays(1));
        await host.Referrals().CreateInviteAsync(Shop, M("alice"), new InviteRequest());
    }

    private static string Skeleton(string code) => code.Replace('O', '0').Replace('I', '1').Replace('L', '1').Replace('U', 'V').Replace('S', '5');
}
