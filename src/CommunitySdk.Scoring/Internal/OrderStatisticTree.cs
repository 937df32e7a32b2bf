namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// A leaderboard: members (dense ints) ordered by score, highest first, ties by the smaller member number.
/// An array-backed treap with subtree sizes: insert, remove, rank-of and select are O(log n) expected, and
/// nodes are reused, so updating a score allocates nothing (arrays grow by doubling, amortized).
/// <c>SortedSet&lt;T&gt;</c> cannot do this: it has no rank.
/// </summary>
internal sealed class OrderStatisticTree
{
    private double[] _key;
    private int[] _member;
    private int[] _left;
    private int[] _right;
    private int[] _size;
    private uint[] _priority;
    private int[] _nodeOf = []; // member -> node, 0 when absent
    private int _root;
    private int _next = 1;      // node 0 is the empty sentinel
    private int _free;          // free list threaded through _left
    private uint _seed = 2463534242;

    public OrderStatisticTree(int capacity = 16)
    {
        capacity = Math.Max(capacity, 2) + 1;
        _key = new double[capacity];
        _member = new int[capacity];
        _left = new int[capacity];
        _right = new int[capacity];
        _size = new int[capacity];
        _priority = new uint[capacity];
    }

    /// <summary>Members on the board.</summary>
    public int Count => _size[_root];

    public bool Contains(int member) => member < _nodeOf.Length && _nodeOf[member] != 0;

    /// <summary>The member's score (in the board's stored units), or 0 when absent.</summary>
    public double ScoreOf(int member) => Contains(member) ? _key[_nodeOf[member]] : 0;

    /// <summary>Sets a member's score, inserting the member when new.</summary>
    public void Set(int member, double score)
    {
        if (Contains(member))
        {
            var node = _nodeOf[member];
            if (_key[node] == score)
            {
                return;
            }

            _root = Remove(_root, node);
            _key[node] = score;
            _left[node] = _right[node] = 0;
            _size[node] = 1;
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
        _left[node] = _free;
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
        var rank = _size[_left[node]];
        var t = _root;
        while (t != node)
        {
            if (Before(node, t))
            {
                t = _left[t];
            }
            else
            {
                rank += _size[_left[t]] + 1;
                t = _right[t];
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
            var leftSize = _size[_left[t]];
            if (rank < leftSize)
            {
                t = _left[t];
            }
            else if (rank == leftSize)
            {
                score = _key[t];
                return _member[t];
            }
            else
            {
                rank -= leftSize + 1;
                t = _right[t];
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
            _key[node] *= factor;
        }
    }

    private bool Before(int a, int b) => _key[a] > _key[b] || (_key[a] == _key[b] && _member[a] < _member[b]);

    private void Update(int node) => _size[node] = _size[_left[node]] + _size[_right[node]] + 1;

    private int Insert(int t, int node)
    {
        if (t == 0)
        {
            return node;
        }

        if (_priority[node] > _priority[t])
        {
            Split(t, node, out var l, out var r);
            _left[node] = l;
            _right[node] = r;
            Update(node);
            return node;
        }

        if (Before(node, t))
        {
            _left[t] = Insert(_left[t], node);
        }
        else
        {
            _right[t] = Insert(_right[t], node);
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
            Split(_right[t], node, out var a, out r);
            _right[t] = a;
            l = t;
        }
        else
        {
            Split(_left[t], node, out l, out var b);
            _left[t] = b;
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

        if (_priority[a] > _priority[b])
        {
            _right[a] = Merge(_right[a], b);
            Update(a);
            return a;
        }

        _left[b] = Merge(a, _left[b]);
        Update(b);
        return b;
    }

    private int Remove(int t, int node)
    {
        if (t == node)
        {
            return Merge(_left[t], _right[t]);
        }

        if (Before(node, t))
        {
            _left[t] = Remove(_left[t], node);
        }
        else
        {
            _right[t] = Remove(_right[t], node);
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
            _free = _left[node];
        }
        else
        {
            if (_next == _key.Length)
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
        _member[node] = member;
        _key[node] = score;
        _left[node] = _right[node] = 0;
        _size[node] = 1;
        _seed ^= _seed << 13;
        _seed ^= _seed >> 17;
        _seed ^= _seed << 5;
        _priority[node] = _seed;
        return node;
    }

    private void Grow()
    {
        var size = _key.Length * 2;
        Array.Resize(ref _key, size);
        Array.Resize(ref _member, size);
        Array.Resize(ref _left, size);
        Array.Resize(ref _right, size);
        Array.Resize(ref _size, size);
        Array.Resize(ref _priority, size);
    }
}
