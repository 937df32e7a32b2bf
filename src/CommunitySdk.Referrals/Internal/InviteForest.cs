namespace CommunitySdk.Referrals.Internal;

/// <summary>
/// Who brought whom, with members interned to dense integers. A member enters as a root; an inviter can be
/// set only on a member that has neither an inviter nor invitees yet (a new member), so self-invites and
/// cycles cannot be built. Setting an inviter costs O(depth) (descendant counts of the ancestors);
/// ancestor walks cost O(k).
/// </summary>
internal sealed class InviteForest
{
    private readonly Dictionary<MemberId, int> _index = [];
    private readonly List<MemberId> _ids = [];
    private readonly List<int> _parent = [];
    private readonly List<int> _depth = [];
    private readonly List<int> _descendants = [];
    private readonly List<List<int>?> _children = [];

    public int Count => _ids.Count;

    public bool Contains(MemberId member) => _index.ContainsKey(member);

    public int IndexOf(MemberId member) => _index.TryGetValue(member, out var i) ? i : -1;

    public MemberId IdOf(int node) => _ids[node];

    /// <summary>Adds a member as a root; adding again does nothing.</summary>
    public int Add(MemberId member)
    {
        if (_index.TryGetValue(member, out var existing))
        {
            return existing;
        }

        var node = _ids.Count;
        _index[member] = node;
        _ids.Add(member);
        _parent.Add(-1);
        _depth.Add(0);
        _descendants.Add(0);
        _children.Add(null);
        return node;
    }

    /// <summary>Sets a new member's inviter, once.</summary>
    /// <exception cref="InvalidOperationException">The invitee already has an inviter or invitees, or invites itself.</exception>
    public void SetInviter(MemberId invitee, MemberId inviter)
    {
        var child = Add(invitee);
        var parent = Add(inviter);
        if (child == parent || _parent[child] >= 0 || _children[child] is { Count: > 0 })
        {
            throw new InvalidOperationException($"'{invitee}' cannot be given inviter '{inviter}': an inviter is set once, on a new member.");
        }

        _parent[child] = parent;
        (_children[parent] ??= []).Add(child);
        _depth[child] = _depth[parent] + 1;
        for (var a = parent; a >= 0; a = _parent[a])
        {
            _descendants[a]++;
        }
    }

    public int Parent(int node) => _parent[node];

    public int Depth(int node) => _depth[node];

    public int Descendants(int node) => _descendants[node];

    public IReadOnlyList<int> Children(int node) => (IReadOnlyList<int>?)_children[node] ?? [];

    /// <summary>Writes up to <c>into.Length</c> ancestor nodes, nearest first, without allocating; returns how many.</summary>
    public int Ancestors(int node, Span<int> into)
    {
        var count = 0;
        for (var a = _parent[node]; a >= 0 && count < into.Length; a = _parent[a])
        {
            into[count++] = a;
        }

        return count;
    }

    /// <summary>Up to <paramref name="levels"/> ancestors, nearest first.</summary>
    public List<MemberId> Ancestors(int node, int levels)
    {
        var result = new List<MemberId>(Math.Min(levels, 16));
        for (var a = _parent[node]; a >= 0 && result.Count < levels; a = _parent[a])
        {
            result.Add(_ids[a]);
        }

        return result;
    }
}
