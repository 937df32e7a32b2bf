namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// Exact influence over a whole invite forest in one bottom-up sweep: a member's influence is what their
/// descendants contribute, each discounted by <c>discount^level</c>, up to <c>levels</c> levels (or all).
/// Members are visited deepest first, so each one's total is complete before it is handed to its inviter.
/// </summary>
internal static class ForestInfluence
{
    /// <summary>The discounted sum over descendants (excluding the member) for every member.</summary>
    /// <param name="parent">Inviter of each member, -1 for roots.</param>
    /// <param name="value">Each member's own value.</param>
    /// <param name="discount">Discount per level.</param>
    /// <param name="levels">Levels that count; <see cref="int.MaxValue"/> for all.</param>
    public static double[] Descendants(IReadOnlyList<int> parent, IReadOnlyList<double> value, double discount, int levels)
    {
        var n = parent.Count;
        var order = DeepestFirst(parent);
        var result = new double[n];
        if (levels == int.MaxValue)
        {
            // influence(v) = Σ_children discount·(value(c) + influence(c)): one pass, O(n).
            foreach (var v in order)
            {
                var p = parent[v];
                if (p >= 0)
                {
                    result[p] += discount * (value[v] + result[v]);
                }
            }

            return result;
        }

        // Bounded levels: carry[ℓ][v] = value at exactly ℓ levels below v; O(n·levels).
        var carry = new double[levels + 1][];
        carry[0] = [.. value];
        for (var l = 1; l <= levels; l++)
        {
            carry[l] = new double[n];
        }

        foreach (var v in order)
        {
            var p = parent[v];
            if (p < 0)
            {
                continue;
            }

            for (var l = 1; l <= levels; l++)
            {
                carry[l][p] += carry[l - 1][v];
            }
        }

        var weight = 1.0;
        for (var l = 1; l <= levels; l++)
        {
            weight *= discount;
            for (var v = 0; v < n; v++)
            {
                result[v] += weight * carry[l][v];
            }
        }

        return result;
    }

    /// <summary>Members ordered deepest first (a counting sort by depth; depths by walking memoized parents).</summary>
    private static int[] DeepestFirst(IReadOnlyList<int> parent)
    {
        var n = parent.Count;
        var depth = new int[n];
        Array.Fill(depth, -1);
        var stack = new Stack<int>();
        var maxDepth = 0;
        for (var v = 0; v < n; v++)
        {
            var u = v;
            while (u >= 0 && depth[u] < 0)
            {
                stack.Push(u);
                u = parent[u];
            }

            var d = u >= 0 ? depth[u] : -1;
            while (stack.Count > 0)
            {
                depth[stack.Pop()] = ++d;
            }

            maxDepth = Math.Max(maxDepth, depth[v]);
        }

        var buckets = new int[maxDepth + 2];
        foreach (var d in depth)
        {
            buckets[maxDepth - d + 1]++;
        }

        for (var i = 1; i < buckets.Length; i++)
        {
            buckets[i] += buckets[i - 1];
        }

        var order = new int[n];
        for (var v = 0; v < n; v++)
        {
            order[buckets[maxDepth - depth[v]]++] = v;
        }

        return order;
    }
}
