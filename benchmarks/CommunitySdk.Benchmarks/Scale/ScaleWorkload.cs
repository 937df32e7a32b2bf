using System.Globalization;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;

namespace CommunitySdk.Benchmarks.Scale;

/// <summary>
/// A community at scale, as a reproducible stream of activities (fixed seed): members act with Zipf(1.1)-skewed
/// frequency, ten activities per member every 180 days on average (so 1e5 members and 1e6 activities span 180 days,
/// and 1e5 members with 1e7 activities span five years: the same community living ten times longer); a member's first activity is their join (a city, and for 70 % an earlier member's invite
/// code), followed by the creation of their own code; then orders (with values), posts about products (hot-list
/// subjects), meetup check-ins (a weekly meetup per city, ~50 attendees), refunds of orders of the last 30 days, spends and
/// honours; a member whose coins expired more than a week ago is swept (<c>points.expire</c>) when they act again, as a
/// host's nightly <c>SweepExpiryAsync</c> would. Every feature of <see cref="Testing.FullCommunity.AddEveryFeature"/> reacts to it.
/// </summary>
public sealed class ScaleWorkload(CommunityId community, int members, long activities, int seed = 20261129)
{
    /// <summary>When the activities end (in the past, so a long history is not in the future).</summary>
    public static readonly DateTimeOffset End = new(2026, 7, 4, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Cities = ["Beijing", "Shanghai", "Chengdu", "Shenzhen", "Hangzhou", "Wuhan", "Xi'an", "Nanjing", "Chongqing", "Tianjin"];

    public CommunityId Community { get; } = community;

    public int Members { get; } = members;

    public long Activities { get; } = activities;

    /// <summary>How long the activities take: 18 days per activity per member.</summary>
    public TimeSpan Span => TimeSpan.FromDays(18.0 * Activities / Members);

    /// <summary>When the community starts.</summary>
    public DateTimeOffset Start => End - Span;

    /// <summary>
    /// Member <paramref name="index"/>'s invite code: unique, at least 5 characters, from letters and digits none of the
    /// SDK's blocked words can be spelled with (so no code is refused as offensive).
    /// </summary>
    public static string CodeOf(int index)
    {
        const string alphabet = "234579BDGJMPQRYZ";
        var chars = new List<char>();
        var n = index;
        do
        {
            chars.Add(alphabet[n % alphabet.Length]);
            n /= alphabet.Length;
        }
        while (n > 0);
        while (chars.Count < 4)
        {
            chars.Add('2');
        }

        chars.Reverse();
        return "Q" + new string([.. chars]);
    }

    /// <summary>The activities, in recording order, each with its time (for the host's clock).</summary>
    public IEnumerable<Activity> Generate()
    {
        var random = new Random(seed);
        var cdf = new double[Members];
        var sum = 0.0;
        for (var k = 0; k < Members; k++)
        {
            sum += 1 / Math.Pow(k + 1, 1.1);
            cdf[k] = sum;
        }

        // Zipf rank k -> member: spread the heavy members over the join order rather than making the first joiners the heaviest.
        var memberOfRank = Enumerable.Range(0, Members).OrderBy(_ => random.Next()).ToArray();
        var joined = new bool[Members];
        var joinedList = new List<int>(Members);
        var orders = new Dictionary<int, List<(string Key, DateTimeOffset At)>>();
        var unswept = new Dictionary<int, DateTimeOffset>(); // the first order not swept yet, by member
        var start = Start;
        var meetupsPerCityWeek = (int)Math.Max(1, Math.Round(0.15 * Activities / (Span.TotalDays / 7 * Cities.Length) / 50));
        long emitted = 0;
        var n = 0;
        while (emitted < Activities)
        {
            var at = start + (Span * ((double)emitted / Activities));
            var rank = Array.BinarySearch(cdf, random.NextDouble() * sum);
            var m = memberOfRank[rank >= 0 ? rank : Math.Min(~rank, Members - 1)];
            var member = new MemberId(MemberName(m));
            if (!joined[m])
            {
                joined[m] = true;
                var attributes = new Dictionary<string, string>
                {
                    [CommunityActivityTypes.ProfileAttributePrefix + ProfileKeys.City] = Cities[m % Cities.Length],
                };
                if (joinedList.Count > 0 && random.NextDouble() < 0.7)
                {
                    attributes[CommunityActivityTypes.ReferralCodeAttribute] = CodeOf(joinedList[random.Next(joinedList.Count)]);
                }

                joinedList.Add(m);
                yield return Make($"join:{m}", member, CommunityActivityTypes.MemberJoined, at, null, attributes);
                yield return Make($"code:{m}", member, ReferralActivityTypes.CreateCode, at, null, new() { ["code"] = CodeOf(m), ["default"] = "true" });
                emitted += 2;
                continue;
            }

            n++;
            if (unswept.TryGetValue(m, out var firstOrder) && at - firstOrder > TimeSpan.FromDays(27))
            {
                unswept.Remove(m);
                yield return Make($"expire:{n}", member, PointsActivityTypes.Expire, at, null, []);
                emitted++;
                continue;
            }

            var roll = random.NextDouble();
            if (roll < 0.30)
            {
                var key = $"order:{n}";
                (orders.TryGetValue(m, out var list) ? list : orders[m] = []).Add((key, at));
                unswept.TryAdd(m, at);
                yield return Make(key, member, "order.completed", at, 20 + random.Next(480), new() { ["product"] = $"p{random.Next(200)}" });
            }
            else if (roll < 0.75)
            {
                yield return Make($"post:{n}", member, "post.created", at, null, new() { ["subject"] = $"p{(int)(Math.Pow(random.NextDouble(), 3) * 200)}" });
            }
            else if (roll < 0.90)
            {
                // Each city holds meetups of about 50 attendees every week.
                var week = (int)((at - start).TotalDays / 7);
                yield return Make($"meetup:{n}", member, "meetup.attended", at, null, new() { ["event"] = $"{Cities[m % Cities.Length]}-{week}-{random.Next(meetupsPerCityWeek)}" });
            }
            else if (roll < 0.93 && orders.TryGetValue(m, out var refundable) && Refundable(refundable, at) > 0)
            {
                var source = refundable[random.Next(refundable.Count)].Key;
                refundable.RemoveAll(o => o.Key == source);
                yield return Make($"refund:{n}", member, CommunityActivityTypes.Reverse, at, null, new() { [CommunityActivityTypes.SourceAttribute] = source, [CommunityActivityTypes.ReasonAttribute] = "refund" });
            }
            else if (roll < 0.96)
            {
                yield return Make($"spend:{n}", member, PointsActivityTypes.Spend, at, 1 + random.Next(20), new() { [PointsActivityTypes.CurrencyAttribute] = "coins", [PointsActivityTypes.ReasonAttribute] = "voucher" });
            }
            else if (roll < 0.965)
            {
                yield return Make($"honour:{n}", member, BadgeActivityTypes.Grant, at, null, new() { [BadgeActivityTypes.BadgeAttribute] = "helper", [BadgeActivityTypes.ReasonAttribute] = "helped" });
            }
            else
            {
                yield return Make($"visit:{n}", member, "page.viewed", at, null, new() { ["page"] = $"p{random.Next(200)}" });
            }

            emitted++;
        }
    }

    /// <summary>Forgets the member's orders older than 30 days (refunds come within a month); how many are left.</summary>
    private static int Refundable(List<(string Key, DateTimeOffset At)> orders, DateTimeOffset now)
    {
        orders.RemoveAll(o => now - o.At > TimeSpan.FromDays(30));
        return orders.Count;
    }

    public static string MemberName(int index) => string.Create(CultureInfo.InvariantCulture, $"m{index}");

    private Activity Make(string key, MemberId member, string type, DateTimeOffset at, decimal? value, Dictionary<string, string> attributes) => new()
    {
        IdempotencyKey = key,
        Community = Community,
        Member = member,
        Type = type,
        OccurredAt = at,
        Value = value,
        Attributes = attributes,
    };
}
