using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Storage.Tests;

public class EventSerializationTests
{
    private static ServiceProvider AllFeatures(Action<ICommunitySdkBuilder>? more = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddPoints(p => p.Currency("coins", spendable: true).Rule("order.completed", perUnit: 1))
            .AddReferrals(_ => { })
            .AddScoring(_ => { })
            .AddBadges(b => b.Badge("first-order", "First order", BadgeCriteria.Count("order.completed", 1)))
            .AddContests(c => c.Contest("ideas", "Ideas", new DateTime(2020, 1, 1), new DateTime(2099, 1, 1), new DateTime(2099, 2, 1)));
        more?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Every_event_type_of_every_sdk_package_is_registered_under_a_distinct_stable_name()
    {
        using var sp = AllFeatures();
        var registered = sp.GetServices<CommunityEventType>().DistinctBy(t => t.Type).ToArray();
        var all = typeof(CommunityEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(CommunityEvent)) && !t.IsAbstract).ToArray();
        Assert.NotEmpty(all);
        Assert.Empty(all.Except(registered.Select(r => r.Type)));
        Assert.Equal(registered.Length, registered.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(registered, r => Assert.Null(Activity.CheckName(r.Name, 64)));
    }

    [Fact]
    public async Task Events_of_a_real_community_round_trip_through_the_stored_form()
    {
        await using var sp = AllFeatures(b => b.UseSqlite(TempDb.NewConnectionString()));
        var community = sp.GetRequiredService<ICommunity>();
        var shop = new CommunityId("shop");
        var referrals = sp.GetRequiredService<IReferralService>();
        await sp.GetRequiredService<IMemberDirectory>().JoinAsync(shop, new MemberId("ann"), new JoinRequest { Profile = new Dictionary<string, string> { ["city"] = "Wuhan" } });
        var code = await referrals.GetOrCreateCodeAsync(shop, new MemberId("ann"));
        await sp.GetRequiredService<IMemberDirectory>().JoinAsync(shop, new MemberId("bob"), new JoinRequest { ReferralCode = code.Code });
        await community.RecordAsync(new Activity { IdempotencyKey = "o1", Community = shop, Member = new MemberId("bob"), Type = "order.completed", Value = 80 });
        await sp.GetRequiredService<IPointsService>().SpendAsync(shop, new MemberId("bob"), "coins", 30, "voucher", "s1");
        await sp.GetRequiredService<IContestService>().SubmitAsync(shop, "ideas", new MemberId("bob"), new EntrySubmission { Title = "Quieter", CoAuthors = [new MemberId("ann")], IdempotencyKey = "e1" });

        var serializer = sp.GetRequiredService<CommunityEventSerializer>();
        var kinds = new HashSet<Type>();
        await foreach (var committed in sp.GetRequiredService<ICommunityStore>().ReadLogAsync(shop))
        {
            var record = serializer.ToRecord(committed);
            Assert.Equal(record, serializer.ToRecord(serializer.FromRecord(record)));
            kinds.UnionWith(committed.Events.Select(e => e.GetType()));
        }

        Assert.Superset(new HashSet<Type> { typeof(MemberJoined), typeof(ReferralJoined), typeof(PointsAwarded), typeof(PointsSpent), typeof(ScoreChanged), typeof(BadgeEarned), typeof(EntrySubmitted) }, kinds);
    }

    [Fact]
    public async Task The_log_stores_events_compactly_and_reads_them_back_as_committed_and_rows_of_earlier_versions_too()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true).AddEveryFeature().UseSqlite(TempDb.NewConnectionString());
        await using var sp = services.BuildServiceProvider();
        var shop = new CommunityId("shop");
        var directory = sp.GetRequiredService<IMemberDirectory>();
        await directory.JoinAsync(shop, new MemberId("ann"));
        var code = await sp.GetRequiredService<IReferralService>().GetOrCreateCodeAsync(shop, new MemberId("ann"));
        await directory.JoinAsync(shop, new MemberId("bob"), new JoinRequest { ReferralCode = code.Code });
        var outcome = await sp.GetRequiredService<ICommunity>().RecordAsync(new Activity { IdempotencyKey = "o1", Community = shop, Member = new MemberId("bob"), Type = "order.completed", Value = 80, OccurredAt = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.FromHours(8)) });

        var serializer = sp.GetRequiredService<CommunityEventSerializer>();
        string Full(IEnumerable<CommunityEvent> events) => string.Join('\n', events.Select(serializer.SerializeEvent));
        var another = false;
        await foreach (var committed in sp.GetRequiredService<ICommunityStore>().ReadLogAsync(shop))
        {
            var record = serializer.ToRecord(committed);

            // What the row says is not repeated per event: no stamp, no nulls, the member only when it is another.
            foreach (var name in new[] { "\"Community\"", "\"ActivityId\"", "\"Index\"", "\"OccurredAt\"", ":null" })
            {
                Assert.DoesNotContain(name, record.Events, StringComparison.Ordinal);
            }

            Assert.Equal(committed.Events.Any(e => e.Member != committed.Activity.Member), record.Events.Contains("\"Member\"", StringComparison.Ordinal));
            another |= committed.Events.Any(e => e.Member != committed.Activity.Member);
            Assert.Equal(Full(committed.Events), Full(serializer.FromRecord(record).Events));

            // A row an earlier version wrote (every event in full) reads the same.
            var legacy = record with { Events = serializer.SerializeEvents(committed.Events) };
            Assert.Contains("\"ActivityId\"", legacy.Events, StringComparison.Ordinal);
            Assert.Equal(Full(committed.Events), Full(serializer.FromRecord(legacy).Events));
        }

        Assert.True(another); // an event about the inviter was written with its member
        var stored = await sp.GetRequiredService<ICommunityStore>().FindAsync(shop, "o1");
        Assert.Equal(Full(outcome.Effects), Full(stored!.Events));
        Assert.All(stored.Events, e => Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), e.OccurredAt));
    }

    [Fact]
    public async Task An_unregistered_host_event_fails_the_commit_with_the_fix_and_writes_nothing()
    {
        await using var sp = AllFeatures(b => b.AddReactor<VoucherReactor>().UseSqlite(TempDb.NewConnectionString()));
        var shop = new CommunityId("shop");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            sp.GetRequiredService<ICommunity>().RecordAsync(new Activity { IdempotencyKey = "v1", Community = shop, Member = new MemberId("ann"), Type = "voucher.issued" }).AsTask());
        Assert.Contains("AddEventType<VoucherIssued>", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await sp.GetRequiredService<ICommunityStore>().GetLastActivityIdAsync(shop));

        await using var fixedSp = AllFeatures(b => b.AddReactor<VoucherReactor>().AddEventType<VoucherIssued>("shop.voucher-issued").UseSqlite(TempDb.NewConnectionString()));
        var outcome = await fixedSp.GetRequiredService<ICommunity>().RecordAsync(new Activity { IdempotencyKey = "v1", Community = shop, Member = new MemberId("ann"), Type = "voucher.issued" });
        var stored = await fixedSp.GetRequiredService<ICommunityStore>().FindAsync(shop, "v1");
        Assert.Equal("V-1", Assert.Single(stored!.Events.OfType<VoucherIssued>()).Code);
        Assert.Single(outcome.Effects.OfType<VoucherIssued>());
    }

    public sealed record VoucherIssued : CommunityEvent
    {
        public required string Code { get; init; }
    }

    private sealed class VoucherReactor : IActivityReactor
    {
        public int Order => 1000;

        public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
        {
            if (context.Activity.Type == "voucher.issued")
            {
                context.Emit(new VoucherIssued { Member = context.Member, Code = "V-1" });
            }

            return ValueTask.CompletedTask;
        }
    }
}
