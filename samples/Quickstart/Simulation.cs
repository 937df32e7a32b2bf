using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.Quickstart;

/// <summary>Drives a small community: joins, posts, orders and meetups over simulated days, with retries.</summary>
internal sealed class Simulation(ICommunity community, IMemberDirectory directory, FakeTimeProvider clock, CommunityId shop, int seed)
{
    private static readonly string[] Cities = ["Beijing", "Shanghai", "Chengdu", "Wuhan", "Xi'an", "Hangzhou"];
    private readonly Random _random = new(seed);
    private readonly Dictionary<MemberId, int> _activityCounts = [];

    public int Recorded { get; private set; }

    public int Retries { get; private set; }

    public int Rejected { get; private set; }

    public MemberId BusiestMember => _activityCounts.MaxBy(kv => kv.Value).Key;

    public async Task RunAsync(int members, int days)
    {
        var joined = new List<MemberId>();
        var joinsPerDay = (members + days - 1) / days;
        for (var day = 0; day < days; day++)
        {
            for (var j = 0; j < joinsPerDay && joined.Count < members; j++)
            {
                var member = new MemberId($"member-{joined.Count + 1:D4}");
                // Cities are skewed: the first ones are bigger, as in real communities.
                var city = Cities[Math.Min(Cities.Length - 1, (int)Math.Floor(-Math.Log(1 - _random.NextDouble()) * 1.8))];
                await directory.JoinAsync(shop, member, new JoinRequest { Profile = new Dictionary<string, string> { [ProfileKeys.City] = city } });
                joined.Add(member);
                Recorded++;
            }

            foreach (var member in joined)
            {
                // A few members do most of the work (power law).
                var rank = joined.IndexOf(member) + 1;
                if (_random.NextDouble() > 0.9 / Math.Sqrt(rank % 50 + 1))
                {
                    continue;
                }

                await RecordAsync(member, day);
            }

            clock.Advance(TimeSpan.FromDays(1));
        }
    }

    private async Task RecordAsync(MemberId member, int day)
    {
        var roll = _random.NextDouble();
        var (type, value) = roll switch
        {
            < 0.55 => ("post.created", (decimal?)null),
            < 0.85 => ("order.completed", (decimal?)Math.Round((decimal)(_random.NextDouble() * 400 + 20), 2)),
            _ => ("meetup.attended", (decimal?)null),
        };
        var key = $"{type}:{member}:{day}:{_random.Next()}";
        var activity = new Activity
        {
            IdempotencyKey = key,
            Community = shop,
            Member = member,
            Type = type,
            Value = value,
            OccurredAt = clock.GetUtcNow().AddMinutes(-_random.Next(0, 600)), // sometime in the last ten hours
            Attributes = type == "meetup.attended" ? new Dictionary<string, string> { ["event"] = $"meetup-{day / 7}" } : new Dictionary<string, string>(),
        };

        await community.RecordAsync(activity);
        Recorded++;
        _activityCounts[member] = _activityCounts.GetValueOrDefault(member) + 1;

        // Flaky networks retry: the same key again is answered with the first outcome.
        if (_random.NextDouble() < 0.05)
        {
            var retry = await community.RecordAsync(activity);
            Retries += retry.IsDuplicate ? 1 : 0;
        }

        // And some clients send garbage, which is refused with a typed error.
        if (_random.NextDouble() < 0.01)
        {
            try
            {
                await community.RecordAsync(new Activity { IdempotencyKey = key + ":bad", Community = shop, Member = member, Type = "Not A Type" });
            }
            catch (CommunityValidationException)
            {
                Rejected++;
            }
        }
    }
}
