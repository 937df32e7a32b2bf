using CommunitySdk.Points;
using CommunitySdk.Referrals;
using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.Quickstart;

/// <summary>Drives a small community: joins, posts, orders and meetups over simulated days, with retries.</summary>
internal sealed class Simulation(ICommunity community, IMemberDirectory directory, IPointsService points, IReferralService referrals, FakeTimeProvider clock, CommunityId shop, int seed)
{
    private static readonly string[] Cities = ["Beijing", "Shanghai", "Chengdu", "Wuhan", "Xi'an", "Hangzhou"];
    private readonly Random _random = new(seed);
    private readonly Dictionary<MemberId, int> _activityCounts = [];
    private readonly List<MemberId> _inviters = [];

    public int Recorded { get; private set; }

    public int Retries { get; private set; }

    public int Rejected { get; private set; }

    public decimal WithheldByCap { get; private set; }

    public int CappedAwards { get; private set; }

    public int Spends { get; private set; }

    public int Refunds { get; private set; }

    public decimal RefundedCoins { get; private set; }

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
                // Friends bring friends: most newcomers join with an existing member's code, and members who
                // already brought people in are likelier to bring more (preferential attachment).
                string? code = null;
                if (joined.Count > 0 && _random.NextDouble() < 0.7)
                {
                    var inviter = _random.NextDouble() < 0.5 && _inviters.Count > 0 ? _inviters[_random.Next(_inviters.Count)] : joined[_random.Next(joined.Count)];
                    code = (await referrals.GetOrCreateCodeAsync(shop, inviter)).Code;
                    _inviters.Add(inviter);
                }

                await directory.JoinAsync(shop, member, new JoinRequest { Profile = new Dictionary<string, string> { [ProfileKeys.City] = city }, ReferralCode = code });
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

                // The most active members do several things a day, which is where daily caps bite.
                var actions = rank <= 30 ? _random.Next(1, 6) : 1;
                for (var a = 0; a < actions; a++)
                {
                    await RecordAsync(member, day);
                }
            }

            clock.Advance(TimeSpan.FromDays(1));
        }
    }

    private void Count(ActivityOutcome outcome)
    {
        foreach (var effect in outcome.Effects)
        {
            switch (effect)
            {
                case PointsWithheld withheld:
                    WithheldByCap += withheld.Amount;
                    CappedAwards++;
                    break;
                case PointsAwarded { Withheld: > 0 } partial:
                    WithheldByCap += partial.Withheld;
                    CappedAwards++;
                    break;
            }
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

        var outcome = await community.RecordAsync(activity);
        Recorded++;
        Count(outcome);
        _activityCounts[member] = _activityCounts.GetValueOrDefault(member) + 1;

        // Members redeem coins for vouchers; some orders are refunded and their coins taken back.
        if (type == "order.completed" && _random.NextDouble() < 0.1)
        {
            var refund = await points.ReverseAsync(shop, member, key, "order refunded", $"refund:{key}");
            Refunds++;
            RefundedCoins -= refund.EffectsOf<PointsReversed>().Sum(r => r.Amount);
        }
        else if (_random.NextDouble() < 0.08)
        {
            var coins = await points.GetBalanceAsync(shop, member, "coins");
            if (coins.Available >= 20)
            {
                await points.SpendAsync(shop, member, "coins", 20, "20-coin voucher", $"voucher:{member}:{day}");
                Spends++;
            }
        }

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
