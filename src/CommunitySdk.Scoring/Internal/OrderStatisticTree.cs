namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// A leaderboard: members (dense ints) ordered by score, highest first, ties by the smaller member number.
/// An array-backed treap with subtree sizes: insert, remove, rank-of and select are O(log n) expected, and
/// nodes are reused, so updating a score allocates nothing (arrays grow by doubling, amortized).
/// <c>SortedSet&lt;T&gt;</c> cannot do this: it has no rank.
/// </summary>
internal sealed class OrderStatisticTree
{
    // One 32-byte node per member: visiting a node touches one cache line, not six arrays.
    private Node[] _nodes;
    private int[] _nodeOf = []; // member -> node, 0 when absent
    private int _root;
    private int _next = 1;      // node 0 is the empty sentinel
    private int _free;          // free list threaded through _left
    private uint _seed = 2463534242;

    public OrderStatisticTree(int capacity = 16)
    {
        _nodes = new Node[Math.Max(capacity, 2) + 1];
    }

    /// <summary>Members on the board.</summary>
    public int Count => _nodes[_root].Size;

    public bool Contains(int member) => member < _nodeOf.Length && _nodeOf[member] != 0;

    /// <summary>The member's score (in the board's stored units), or 0 when absent.</summary>
    public double ScoreOf(int member) => Contains(member) ? _nodes[_nodeOf[member]].Key : 0;

    /// <summary>Sets a member's score, inserting the member when new.</summary>
    public void Set(int member, double score)
    {
        if (Contains(member))
        {
            var node = _nodeOf[member];
            if (_nodes[node].Key == score)
            {
                return;
            }

            _root = Remove(_root, node);
            _nodes[node].Key = score;
            _nodes[node].Left = _nodes[node].Right = 0;
            _nodes[node].Size = 1;
            _root = Insert(_root, node);
            return;
        }

        var fresh = Allocate(member, score);
        _root = Insert(_root, fresh);
    }

    /// <summary>Adds to a member's score (inserting at <paramref name="delta"/> when new).</summary>
    public void Add(int member, double delta) => Set(member, ScoreOf(member) + delta);

    /// <summary>Takes a member off the board.</summary>
    public void Remove(int member)
    {
        if (!Contains(member))
        {
            return;
        }

        var node = _nodeOf[member];
        _root = Remove(_root, node);
        _nodeOf[member] = 0;
        _nodes[node].Left = _free;
        _free = node;
    }

    /// <summary>0-based rank (0 = top), or -1 when absent.</summary>
    public int RankOf(int member)
    {
        if (!Contains(member))
        {
            return -1;
        }

        var node = _nodeOf[member];
        var rank = _nodes[_nodes[node].Left].Size;
        var t = _root;
        while (t != node)
        {
            if (Before(node, t))
            {
                t = _nodes[t].Left;
            }
            else
            {
                rank += _nodes[_nodes[t].Left].Size + 1;
                t = _nodes[t].Right;
            }
        }

        return rank;
    }

    /// <summary>The member at a 0-based rank.</summary>
    public int MemberAt(int rank, out double score)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, Count);
        var t = _root;
        while (true)
        {
            var leftSize = _nodes[_nodes[t].Left].Size;
            if (rank < leftSize)
            {
                t = _nodes[t].Left;
            }
            else if (rank == leftSize)
            {
                score = _nodes[t].Key;
                return _nodes[t].Member;
            }
            else
            {
                rank -= leftSize + 1;
                t = _nodes[t].Right;
            }
        }
    }

    /// <summary>Writes ranks <paramref name="from"/>.. into <paramref name="members"/> (in order); returns how many.</summary>
    public int Range(int from, Span<(int Member, double Score)> members)
    {
        var n = 0;
        for (var rank = Math.Max(from, 0); rank < Count && n < members.Length; rank++)
        {
            var member = MemberAt(rank, out var score);
            members[n++] = (member, score);
        }

        return n;
    }

    /// <summary>Multiplies every score by a positive factor. Order is unchanged, so nothing moves (forward-decay rebase).</summary>
    public void Scale(double factor)
    {
        for (var node = 1; node < _next; node++)
        {
            _nodes[node].Key *= factor;
        }
    }

    private bool Before(int a, int b) => _nodes[a].Key > _nodes[b].Key || (_nodes[a].Key == _nodes[b].Key && _nodes[a].Member < _nodes[b].Member);

    private void Update(int node) => _nodes[node].Size = _nodes[_nodes[node].Left].Size + _nodes[_nodes[node].Right].Size + 1;

    private int Insert(int t, int node)
    {
        if (t == 0)
        {
            return node;
        }

        if (_nodes[node].Priority > _nodes[t].Priority)
        {
            Split(t, node, out var l, out var r);
            _nodes[node].Left = l;
            _nodes[node].Right = r;
            Update(node);
            return node;
        }

        if (Before(node, t))
        {
            _nodes[t].Left = Insert(_nodes[t].Left, node);
        }
        else
        {
            _nodes[t].Right = Insert(_nodes[t].Right, node);
        }

        Update(t);
        return t;
    }

    private void Split(int t, int node, out int l, out int r)
    {
        if (t == 0)
        {
            l = r = 0;
            return;
        }

        if (Before(t, node))
        {
            Split(_nodes[t].Right, node, out var a, out r);
            _nodes[t].Right = a;
            l = t;
        }
        else
        {
            Split(_nodes[t].Left, node, out l, out var b);
            _nodes[t].Left = b;
            r = t;
        }

        Update(t);
    }

    private int Merge(int a, int b)
    {
        if (a == 0)
        {
            return b;
        }

        if (b == 0)
        {
            return a;
        }

        if (_nodes[a].Priority > _nodes[b].Priority)
        {
            _nodes[a].Right = Merge(_nodes[a].Right, b);
            Update(a);
            return a;
        }

        _nodes[b].Left = Merge(a, _nodes[b].Left);
        Update(b);
        return b;
    }

    private int Remove(int t, int node)
    {
        if (t == node)
        {
            return Merge(_nodes[t].Left, _nodes[t].Right);
        }

        if (Before(node, t))
        {
            _nodes[t].Left = Remove(_nodes[t].Left, node);
        }
        else
        {
            _nodes[t].Right = Remove(_nodes[t].Right, node);
        }

        Update(t);
        return t;
    }

    private int Allocate(int member, double score)
    {
        int node;
        if (_free != 0)
        {
            node = _free;
            _free = _nodes[node].Left;
        }
        else
        {
            if (_next == _nodes.Length)
            {
                Grow();
            }

            node = _next++;
        }

        if (member >= _nodeOf.Length)
        {
            Array.Resize(ref _nodeOf, Math.Max(member + 1, _nodeOf.Length * 2));
        }

        _nodeOf[member] = node;
        _nodes[node].Member = member;
        _nodes[node].Key = score;
        _nodes[node].Left = _nodes[node].Right = 0;
        _nodes[node].Size = 1;
        _seed ^= _seed << 13;
        _seed ^= _seed >> 17;
        _seed ^= _seed << 5;
        _nodes[node].Priority = _seed;
        return node;
    }

    private void Grow() => Array.Resize(ref _nodes, _nodes.Length * 2);

    private struct Node
    {
        public double Key;
        public int Member;
        public int Left;
        public int Right;
        public int Size;
        public uint Priority;
    }
}
