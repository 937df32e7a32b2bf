namespace CommunitySdk.Benchmarks;

/// <summary>
/// A reproducible community: an invite forest grown by preferential attachment with one hub, and a stream of
/// activity skewed by a Zipf law (a few members do most of it). Fixed seed: every run sees the same data.
/// </summary>
public sealed class Dataset
{
    private Dataset(int members, int[] parent, int[] stream)
    {
        Members = members;
        Parent = parent;
        Stream = stream;
    }

    public int Members { get; }

    /// <summary>Inviter of each member (-1 for roots); a member always joins after their inviter.</summary>
    public int[] Parent { get; }

    /// <summary>Members in the order they act.</summary>
    public int[] Stream { get; }

    /// <summary>Invitees of member 0, the hub.</summary>
    public int HubInvitees => Parent.Count(p => p == 0);

    /// <param name="members">How many members.</param>
    /// <param name="chainHeavy">Half of the members are invited by the member who joined just before them (long chains).</param>
    /// <param name="events">Activity stream length.</param>
    /// <param name="seed">The seed.</param>
    public static Dataset Create(int members, bool chainHeavy = false, int events = 1 << 20, int seed = 20261125)
    {
        var random = new Random(seed);
        var parent = new int[members];
        parent[0] = -1;
        var endpoints = new List<int>(members * 2) { 0 };
        var hubShare = Math.Min(0.3, 12_000.0 / members); // ≥10k invitees at 1e6
        for (var i = 1; i < members; i++)
        {
            var roll = random.NextDouble();
            var inviter = roll < 0.02 ? -1
                : roll < 0.02 + hubShare ? 0
                : chainHeavy && random.NextDouble() < 0.5 ? i - 1
                : endpoints[random.Next(endpoints.Count)]; // probability ∝ invitees + 1
            parent[i] = inviter;
            if (inviter >= 0)
            {
                endpoints.Add(inviter);
            }

            endpoints.Add(i);
        }

        // Zipf(1.1) over members by inverse CDF; member k is the k-th most active.
        var cdf = new double[members];
        var sum = 0.0;
        for (var k = 0; k < members; k++)
        {
            sum += 1 / Math.Pow(k + 1, 1.1);
            cdf[k] = sum;
        }

        var stream = new int[events];
        for (var e = 0; e < events; e++)
        {
            var index = Array.BinarySearch(cdf, random.NextDouble() * sum);
            stream[e] = index >= 0 ? index : Math.Min(~index, members - 1);
        }

        return new Dataset(members, parent, stream);
    }
}
