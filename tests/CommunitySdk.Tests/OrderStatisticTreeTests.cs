using CommunitySdk.Collections;
using FsCheck.Xunit;

namespace CommunitySdk.Tests;

public class OrderStatisticTreeTests
{
    /// <summary>Random sets, adds and removes: every rank, select and size equals a sorted reference.</summary>
    [Property(MaxTest = 200)]
    public void Ranks_equal_a_sorted_reference(int[] ops)
    {
        var tree = new OrderStatisticTree(4);
        var reference = new Dictionary<int, double>();
        foreach (var op in ops)
        {
            var member = Math.Abs(op % 40);
            switch (Math.Abs(op / 40 % 4))
            {
                case 0:
                case 1:
                    tree.Add(member, op % 7);
                    reference[member] = reference.GetValueOrDefault(member) + (op % 7);
                    break;
                case 2:
                    tree.Set(member, op % 3);
                    reference[member] = op % 3;
                    break;
                default:
                    tree.Remove(member);
                    reference.Remove(member);
                    break;
            }
        }

        AssertRanksEqual(reference, tree);

        Assert.Equal(-1, tree.RankOf(1000));
    }

    [Fact]
    public void A_hundred_thousand_members_rank_like_a_sort_and_scaling_keeps_order()
    {
        var random = new Random(3);
        var tree = new OrderStatisticTree();
        var scores = new double[100_000];
        for (var i = 0; i < 400_000; i++)
        {
            var member = (int)Math.Min(scores.Length - 1, Math.Floor(-Math.Log(1 - random.NextDouble()) * 8_000)); // skewed
            var delta = random.Next(1, 50);
            scores[member] += delta;
            tree.Add(member, delta);
        }

        tree.Scale(1e-200);
        var expected = scores.Select((s, m) => (s, m)).Where(x => x.s > 0).OrderByDescending(x => x.s).ThenBy(x => x.m).ToArray();
        Assert.Equal(expected.Length, tree.Count);
        foreach (var probe in Enumerable.Range(0, 500).Select(_ => random.Next(expected.Length)))
        {
            Assert.Equal(expected[probe].m, tree.MemberAt(probe, out var score));
            Assert.Equal(expected[probe].s * 1e-200, score, 1e-9 * score);
            Assert.Equal(probe, tree.RankOf(expected[probe].m));
        }
    }

    [Fact]
    public void Emptied_blocks_are_reused_by_later_splits_and_ranks_stay_exact()
    {
        var tree = new OrderStatisticTree();
        var reference = new Dictionary<int, double>();
        for (var m = 0; m < 4_000; m++)
        {
            tree.Set(m, m);
            reference[m] = m;
        }

        var grown = tree.AllocatedBlocks;
        for (var m = 1_000; m < 3_000; m++) // empties the blocks holding the middle scores
        {
            tree.Remove(m);
            reference.Remove(m);
        }

        var random = new Random(11);
        for (var m = 4_000; m < 6_000; m++) // splits: must take the emptied blocks
        {
            var score = random.Next(1_000, 3_000) + 0.5;
            tree.Set(m, score);
            reference[m] = score;
        }

        Assert.Equal(grown, tree.AllocatedBlocks);
        AssertRanksEqual(reference, tree);
    }

    /// <summary>Every rank, select and the size equal the reference sorted by score (descending), then member.</summary>
    private static void AssertRanksEqual(Dictionary<int, double> reference, OrderStatisticTree tree)
    {
        var sorted = reference.OrderByDescending(r => r.Value).ThenBy(r => r.Key).ToArray();
        Assert.Equal(sorted.Length, tree.Count);
        for (var rank = 0; rank < sorted.Length; rank++)
        {
            Assert.Equal(sorted[rank].Key, tree.MemberAt(rank, out var score));
            Assert.Equal(sorted[rank].Value, score);
            Assert.Equal(rank, tree.RankOf(sorted[rank].Key));
        }
    }
}
