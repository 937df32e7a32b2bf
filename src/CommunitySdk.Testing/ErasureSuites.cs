using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>
/// Erasure on the store (<see cref="IMemberEraser"/>): afterwards the member's id, profile and free text appear nowhere
/// in the log, the outbox or a snapshot, every other member's balances, badges, tiers, referrals and ranks are what they
/// were, ledger sums per currency are unchanged, the invite forest keeps its shape, a second erasure writes nothing, and
/// a host that folds the rewritten log from the start holds exactly the live state. A provider adds its own check of
/// the raw bytes it keeps (<see cref="RawStoredTextAsync"/>).
/// </summary>
[ConformanceSuite]
public abstract class ErasureConformance : StoreConformanceBase
{
    /// <summary>The erased member's id: distinctive, so a search of raw bytes cannot match anything else.</summary>
    protected const string Victim = "victim.ann@example.com";

    /// <summary>What the erased member wrote (a free-text attribute) and their city (a profile field).</summary>
    protected static readonly string[] VictimData = ["my secret words", "Zhuhai-Xiangzhou"];

    /// <summary>
    /// Everything the store keeps for the community, as text, the way the provider stores it (rows, files, keys); the
    /// default reads the log, the pending outbox and the newest snapshot through the store's interfaces.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <returns>The text (snapshot bytes decoded as UTF-8).</returns>
    protected virtual async Task<string> RawStoredTextAsync(CommunityId community)
    {
        var text = new StringBuilder();
        await foreach (var committed in Store.ReadLogAsync(community))
        {
            text.AppendLine(Serializer.ToRecord(committed).ToString());
        }

        foreach (var entry in await Store.GetPendingOutboxAsync(10_000, DateTimeOffset.MaxValue))
        {
            text.AppendLine(Serializer.SerializeEvents(entry.Events)).AppendLine(entry.LastError);
        }

        if (Store is ICommunitySnapshotStore snapshots && await snapshots.LoadSnapshotAsync(community) is { } snapshot)
        {
            text.AppendLine(Encoding.UTF8.GetString(snapshot.Data));
        }

        return text.ToString();
    }

    /// <summary>Erase a member of a busy community: gone everywhere, everyone else untouched, replay equals live.</summary>
    [Fact]
    public async Task An_erased_member_is_gone_from_the_log_outbox_and_snapshots_while_everyone_else_and_the_books_are_unchanged()
    {
        var clock = new ManualClock(Now);
        var community = Community("erase");
        await using var live = Host(Store, clock);
        await FullCommunity.RunWorkloadAsync(live, community, seed: 11, steps: 160, clock.Advance);
        await AddVictimAsync(live, community, clock);
        Assert.Contains(Victim, await RawStoredTextAsync(community), StringComparison.Ordinal); // the search finds what is there
        Assert.True(await live.GetRequiredService<IProjectionSynchronizer>().TakeSnapshotAsync(community) || Store is not ICommunitySnapshotStore);
        var before = await OthersAsync(live, community, Victim);
        var members = await live.GetRequiredService<IMemberDirectory>().CountAsync(community);
        await using var other = Host(Store, clock); // another instance on the same store, its state loaded before the erasure
        Assert.NotNull(await other.GetRequiredService<IMemberDirectory>().GetAsync(community, new MemberId(Victim)));

        var erasure = await live.GetRequiredService<IMemberEraser>().EraseAsync(community, new MemberId(Victim), "erasure request 2026-117");

        Assert.True(erasure.Erased);
        Assert.Matches("^erased-[0-9a-f]{32}$", erasure.Tombstone!.Value.Value);
        Assert.True(erasure.ActivitiesRewritten >= 5);
        var stored = await RawStoredTextAsync(community);
        Assert.DoesNotContain(Victim, stored, StringComparison.Ordinal);
        Assert.All(VictimData, d => Assert.DoesNotContain(d, stored, StringComparison.Ordinal));
        Assert.Contains(erasure.Tombstone.Value.Value, stored, StringComparison.Ordinal);

        // Everyone else, the ledger sums and the forest's shape are what they were; the member count too (a tombstone stays a member).
        Assert.Equal(before, await OthersAsync(live, community, erasure.Tombstone.Value.Value));
        Assert.Equal(members, await live.GetRequiredService<IMemberDirectory>().CountAsync(community));
        Assert.Null(await live.GetRequiredService<IMemberDirectory>().GetAsync(community, new MemberId(Victim)));
        var tombstone = await live.GetRequiredService<IMemberDirectory>().GetAsync(community, erasure.Tombstone.Value);
        Assert.Empty(tombstone!.Profile);

        // A snapshot taken before the erasure (by a slower process) is not saved; one taken now holds no trace either, and a
        // host folding the rewritten log from the start agrees with the live one.
        if (Store is ICommunitySnapshotStore late)
        {
            await late.SaveSnapshotAsync(new CommunitySnapshot(community, erasure.ActivityId - 1, Now, Encoding.UTF8.GetBytes(Victim)));
            Assert.DoesNotContain(Victim, await RawStoredTextAsync(community), StringComparison.Ordinal);
        }

        if (Store is ICommunitySnapshotStore)
        {
            Assert.True(await live.GetRequiredService<IProjectionSynchronizer>().TakeSnapshotAsync(community));
            Assert.DoesNotContain(Victim, await RawStoredTextAsync(community), StringComparison.Ordinal);
        }

        var expected = await FullCommunity.DescribeAsync(live, community);
        await using (var replay = Host(Store, clock, snapshots: false))
        {
            Assert.Equal(expected, await FullCommunity.DescribeAsync(replay, community));
        }

        // The other instance meets the erasure when it catches up, and folds the rewritten log.
        Assert.Null(await other.GetRequiredService<IMemberDirectory>().GetAsync(community, new MemberId(Victim)));
        Assert.Equal(expected, await FullCommunity.DescribeAsync(other, community));

        // The erased member's invite code admits nobody; a second erasure finds nothing and writes nothing.
        var last = await Store.GetLastActivityIdAsync(community);
        var again = await live.GetRequiredService<IMemberEraser>().EraseAsync(community, new MemberId(Victim), "erasure request 2026-117");
        Assert.False(again.Erased);
        Assert.Equal(last, await Store.GetLastActivityIdAsync(community));
        await Assert.ThrowsAnyAsync<CommunityException>(async () =>
            await live.GetRequiredService<IMemberDirectory>().JoinAsync(community, new MemberId("late.friend"), new JoinRequest { ReferralCode = _victimCode }));
    }

    /// <summary>Bad input is refused by name and changes nothing.</summary>
    [Fact]
    public async Task An_erasure_without_a_member_or_reason_is_refused_and_writes_nothing()
    {
        var clock = new ManualClock(Now);
        var community = Community("erase-refused");
        await using var live = Host(Store, clock);
        await live.GetRequiredService<IMemberDirectory>().JoinAsync(community, new MemberId("bo"));
        var eraser = live.GetRequiredService<IMemberEraser>();
        Assert.Equal("reason", (await Assert.ThrowsAsync<CommunityValidationException>(async () => await eraser.EraseAsync(community, new MemberId("bo"), " "))).Field);
        Assert.Equal("reason", (await Assert.ThrowsAsync<CommunityValidationException>(async () => await eraser.EraseAsync(community, new MemberId("bo"), new string('x', 201)))).Field);
        Assert.Equal("member", (await Assert.ThrowsAsync<CommunityValidationException>(async () => await eraser.EraseAsync(community, default, "request"))).Field);
        Assert.Equal(1, await Store.GetLastActivityIdAsync(community));
        Assert.NotNull(await live.GetRequiredService<IMemberDirectory>().GetAsync(community, new MemberId("bo")));
    }

    /// <summary>
    /// A short id that is also a common word is replaced as a token only in the member's own entries (their keys); in other
    /// members' entries only a value that is exactly the id (a target, an inviter) is.
    /// </summary>
    [Fact]
    public async Task Erasing_a_member_with_a_short_common_id_leaves_other_members_keys_and_attributes_alone()
    {
        var clock = new ManualClock(Now);
        var community = Community("erase-short");
        await using var live = Host(Store, clock);
        var sdk = live.GetRequiredService<ICommunity>();
        Activity Order(string key, string member, string note) => FullCommunity.Make(community, key, member, "order.completed", 60, ("channel", note));
        await sdk.RecordAsync(Order("order:1", "bob", "order form"));
        await sdk.RecordAsync(Order("buy:order:2", "order", "web"));

        var erasure = await live.GetRequiredService<IMemberEraser>().EraseAsync(community, new MemberId("order"), "request");

        var bobs = await Store.FindAsync(community, "order:1");
        Assert.Equal(("bob", "order form"), (bobs!.Activity.Member.Value, bobs.Activity.Attributes["channel"])); // not the member's: unchanged
        var theirs = await Store.FindAsync(community, $"buy:{erasure.Tombstone!.Value.Value}:2");
        Assert.Equal(erasure.Tombstone.Value, theirs!.Activity.Member); // the member's own key: the id token replaced
        Assert.Null(await Store.FindAsync(community, "buy:order:2"));
    }

    /// <summary>Retention drops old free text, keeps young free text and what rules read, and changes no state.</summary>
    [Fact]
    public async Task Retention_drops_free_text_older_than_the_period_and_changes_no_state()
    {
        var clock = new ManualClock(Now);
        var community = Community("retention");
        await using var live = Host(Store, clock, retention: TimeSpan.FromDays(30));
        var sdk = live.GetRequiredService<ICommunity>();
        Activity Post(string key, string text) => FullCommunity.Make(community, key, "m1", "post.created", null, ("subject", "teapots"), ("text", text));
        await sdk.RecordAsync(Post("post-old", "an old private thought"));
        clock.Advance(TimeSpan.FromDays(40));
        await sdk.RecordAsync(Post("post-new", "a fresh private thought"));
        var expected = await FullCommunity.DescribeAsync(live, community);
        var retention = live.GetRequiredService<IActivityRetention>();

        Assert.Equal(1, await retention.ApplyAsync(community));

        var stored = await RawStoredTextAsync(community);
        Assert.DoesNotContain("an old private thought", stored, StringComparison.Ordinal);
        Assert.Contains("a fresh private thought", stored, StringComparison.Ordinal);
        var old = await Store.FindAsync(community, "post-old");
        Assert.Equal(["subject"], old!.Activity.Attributes.Keys); // what rules read stays
        Assert.Equal(expected, await FullCommunity.DescribeAsync(live, community));
        await using (var replay = Host(Store, clock, snapshots: false))
        {
            Assert.Equal(expected, await FullCommunity.DescribeAsync(replay, community));
        }

        Assert.Equal(0, await retention.ApplyAsync(community)); // idempotent
        clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, await retention.ApplyAsync(community)); // the next one's turn
        Assert.DoesNotContain("a fresh private thought", await RawStoredTextAsync(community), StringComparison.Ordinal);
    }

    private string? _victimCode;

    /// <summary>The victim joins through a workload member, orders, posts free text, attends, invites a friend who orders, and is honoured.</summary>
    private async Task AddVictimAsync(IServiceProvider services, CommunityId community, ManualClock clock)
    {
        var directory = services.GetRequiredService<IMemberDirectory>();
        var referrals = services.GetRequiredService<IReferralService>();
        var sdk = services.GetRequiredService<ICommunity>();
        var inviterCode = (await referrals.GetOrCreateCodeAsync(community, new MemberId("m1"))).Code;
        var victim = new MemberId(Victim);
        await directory.JoinAsync(community, victim, new JoinRequest { ReferralCode = inviterCode, Profile = new Dictionary<string, string> { [ProfileKeys.City] = VictimData[1] } });
        Activity Make(string key, MemberId member, string type, decimal? value, params (string, string)[] attributes) =>
            FullCommunity.Make(community, key, member.Value, type, value, attributes);
        await sdk.RecordAsync(Make($"order:{Victim}:1", victim, "order.completed", 120));
        clock.Advance(TimeSpan.FromHours(3));
        await sdk.RecordAsync(Make("post-v1", victim, "post.created", null, ("subject", "s1"), ("text", VictimData[0])));
        await sdk.RecordAsync(Make("meetup-v1", victim, "meetup.attended", null, ("event", "e1")));
        _victimCode = (await referrals.GetOrCreateCodeAsync(community, victim)).Code;
        var friend = new MemberId("friend.of.victim");
        await directory.JoinAsync(community, friend, new JoinRequest { ReferralCode = _victimCode });
        await sdk.RecordAsync(Make("friend-order", friend, "order.completed", 200));
        await services.GetRequiredService<IBadgeService>().GrantAsync(community, victim, "helper", "ran a meetup", "honour-v");
        clock.Advance(TimeSpan.FromHours(5));
    }

    /// <summary>What the queries say about everyone but <paramref name="erased"/>, with that id written as X, and the ledger sums per currency.</summary>
    private static async Task<string> OthersAsync(IServiceProvider services, CommunityId community, string erased)
    {
        var text = new StringBuilder();
        var x = new Regex($"(?<![A-Za-z0-9_.@-]){Regex.Escape(erased)}(?![A-Za-z0-9_.@-])", RegexOptions.CultureInvariant);
        void Line(object? value) => text.Append(x.Replace(string.Format(CultureInfo.InvariantCulture, "{0}\n", value), "X"));
        var directory = services.GetRequiredService<IMemberDirectory>();
        var points = services.GetRequiredService<IPointsService>();
        var referrals = services.GetRequiredService<IReferralService>();
        var graph = services.GetRequiredService<IInviteGraph>();
        var badges = services.GetRequiredService<IBadgeService>();
        var scoring = services.GetRequiredService<IScoringService>();
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var info in await directory.ListAsync(community, 0, 500))
        {
            foreach (var balance in await points.GetBalancesAsync(community, info.Member))
            {
                sums[balance.Currency] = sums.GetValueOrDefault(balance.Currency) + balance.Total;
            }

            if (info.Member.Value == erased)
            {
                continue;
            }

            Line($"{info.Member} {info.Number} {info.JoinedAt:O} {string.Join(',', info.Profile.OrderBy(p => p.Key, StringComparer.Ordinal))}");
            Line(string.Join('|', await points.GetBalancesAsync(community, info.Member)));
            Line(string.Join('|', (await badges.GetBadgesAsync(community, info.Member)).Select(b => $"{b.Badge.Id}:{b.Grants}:{b.Revoked}")));
            Line((await referrals.GetReferralAsync(community, info.Member))?.Status);
            Line($"{await graph.GetInviterAsync(community, info.Member)} {await graph.GetDepthAsync(community, info.Member)} {await graph.GetDescendantCountAsync(community, info.Member)} {(await graph.GetInviteesAsync(community, info.Member)).Count}");
            Line((await scoring.ExplainAsync(community, info.Member)).Score.ToString("R", CultureInfo.InvariantCulture));
            Line((await services.GetRequiredService<ITierService>().GetProgressAsync(community, info.Member)).Tier);
        }

        foreach (var kind in Enum.GetValues<LeaderboardKind>())
        {
            Line(string.Join('|', (await scoring.TopAsync(community, new LeaderboardKey(kind, null), 100)).Select(r => $"{r.Rank}:{r.Member}:{r.Score:R}")));
        }

        Line(string.Join('|', sums.OrderBy(s => s.Key, StringComparer.Ordinal)));
        return text.ToString();
    }

    private static ServiceProvider Host(ICommunityStore store, TimeProvider clock, bool snapshots = true, TimeSpan? retention = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddCommunitySdk(o =>
        {
            o.AllowUndeclaredCommunities = true;
            o.Privacy.FreeTextRetention = retention;
            o.Snapshots.Enabled = snapshots;
            o.Snapshots.EveryActivities = 100_000_000; // only the snapshots the test takes
            o.Snapshots.Interval = TimeSpan.FromDays(365);
        }).AddEveryFeature().UseStore(_ => new ObservedStore(store));
        return services.BuildServiceProvider();
    }
}
