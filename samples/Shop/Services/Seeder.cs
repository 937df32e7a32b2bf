using CommunitySdk.Referrals;
using CommunitySdk.Storage;

namespace CommunitySdk.Shop.Services;

/// <summary>Seeds a demo community on first start: members in three cities, invite chains, orders, posts, meetups.</summary>
public sealed class Seeder(IServiceProvider services) : IHostedService
{
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var shop = ShopApp.Community;
        if (await services.GetRequiredService<ICommunityStore>().GetLastActivityIdAsync(shop, cancellationToken) > 0)
        {
            return;
        }

        var directory = services.GetRequiredService<IMemberDirectory>();
        var referrals = services.GetRequiredService<IReferralService>();
        var community = services.GetRequiredService<ICommunity>();
        var catalog = services.GetRequiredService<Catalog>();
        var orders = services.GetRequiredService<OrderBook>();
        var time = services.GetRequiredService<TimeProvider>();

        // (member, city, inviter)
        (string Member, string City, string? Inviter)[] people =
        [
            ("lena", "Berlin", null), ("tom", "Berlin", "lena"), ("mia", "Berlin", "lena"), ("ali", "Berlin", "tom"), ("kai", "Berlin", "ali"),
            ("jo", "Lisbon", null), ("rui", "Lisbon", "jo"), ("ana", "Lisbon", "jo"),
            ("wei", "Shanghai", null), ("li", "Shanghai", "wei"), ("admin", "Berlin", null),
        ];
        foreach (var (member, city, inviter) in people)
        {
            string? code = inviter is null ? null : (await referrals.GetOrCreateCodeAsync(shop, new MemberId(inviter), cancellationToken)).Code;
            await directory.JoinAsync(shop, new MemberId(member), new JoinRequest { Profile = ShopApp.Profile(new MemberId(member), city), ReferralCode = code }, cancellationToken);
        }

        var random = new Random(2026);
        var n = 0;
        foreach (var (member, city, _) in people.Where(p => p.Member != "admin"))
        {
            var id = new MemberId(member);
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var product = catalog.Products[random.Next(catalog.Products.Count)];
                var order = orders.Add(id, product, time.GetUtcNow());
                await community.RecordAsync(CommunitySdk.Shop.Activities.Order(shop, id, order), cancellationToken);
            }

            for (var i = random.Next(0, 3); i > 0; i--)
            {
                await community.RecordAsync(CommunitySdk.Shop.Activities.Post(shop, id, $"seed-post-{++n}"), cancellationToken);
            }

            if (random.Next(2) == 0)
            {
                var meetup = catalog.Meetups.First(m => m.City == city);
                await community.RecordAsync(CommunitySdk.Shop.Activities.CheckIn(shop, id, meetup), cancellationToken);
            }
        }

        // The idea contest: four names proposed last week, and the first votes this week (lena's three are hers to give).
        var contests = services.GetRequiredService<Contests.IContestService>();
        var proposed = time.GetUtcNow().AddDays(-3);
        var names = new[] { ("tom", "Whisper"), ("jo", "Still Water"), ("wei", "静水"), ("mia", "Hush") };
        for (var i = 0; i < names.Length; i++)
        {
            var (author, title) = names[i];
            await community.RecordAsync(
                new Activity
                {
                    IdempotencyKey = $"seed-idea-{i}",
                    Community = shop,
                    Member = new MemberId(author),
                    Type = Contests.ContestActivityTypes.Submit,
                    OccurredAt = proposed.AddHours(i), // during last week's submission phase
                    Attributes = new Dictionary<string, string> { ["contest"] = ShopApp.IdeaContest, ["title"] = title },
                },
                cancellationToken);
        }

        foreach (var (voter, entry) in new[] { ("ali", "1"), ("kai", "1"), ("rui", "2"), ("ana", "2"), ("li", "3"), ("mia", "1"), ("tom", "2"), ("jo", "3"), ("wei", "1") })
        {
            await contests.VoteAsync(shop, ShopApp.IdeaContest, entry, new MemberId(voter), 1, $"seed-vote-{voter}-{entry}", cancellationToken);
        }
    }
}
