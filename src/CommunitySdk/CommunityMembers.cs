using System.Runtime.InteropServices;

namespace CommunitySdk;

/// <summary>
/// The members of one community as every feature sees them: the one interner (each member id gets a dense index,
/// so features keep their per-member state in arrays), join time and profile, the invite forest (inviter set once at
/// join; depth, invitees and descendant counts), and the activity types the community recorded. Folded by the core's
/// directory projection before any feature's; features read it in their reactors and projections.
/// Mutated only by the fold; read under the community's lock by queries.
/// </summary>
public sealed class CommunityMembers
{
    private readonly Dictionary<MemberId, int> _index = [];
    private readonly Dictionary<string, int> _types = new(StringComparer.Ordinal);
    private readonly List<string> _typeNames = [];
    private MemberId[] _ids = new MemberId[64];
    private Node[] _nodes = new Node[64];
    private KeyValuePair<string, string>[]?[] _profiles = new KeyValuePair<string, string>[64][];
    private int[] _byNumber = new int[64];

    internal CommunityMembers(CommunityId community) => Community = community;

    /// <summary>The community.</summary>
    public CommunityId Community { get; }

    /// <summary>The members as a unit of work sees them (for reactors).</summary>
    /// <param name="context">The unit of work.</param>
    /// <returns>The members.</returns>
    public static CommunityMembers Of(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Projections.CommunityStates.Of(context).Members;
    }

    /// <summary>How many member ids are interned (joined or referred to by an event).</summary>
    public int Count { get; private set; }

    /// <summary>How many members joined.</summary>
    public int JoinedCount { get; private set; }

    /// <summary>How many distinct activity types the community recorded.</summary>
    public int TypeCount => _typeNames.Count;

    /// <summary>The member's dense index, or -1 when the community never saw the member.</summary>
    /// <param name="member">The member.</param>
    /// <returns>The index, or -1.</returns>
    public int IndexOf(MemberId member) => _index.TryGetValue(member, out var index) ? index : -1;

    /// <summary>The member at a dense index.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The member id.</returns>
    public MemberId IdOf(int index) => _ids[index];

    /// <summary>Whether the member at <paramref name="index"/> joined.</summary>
    /// <param name="index">The index.</param>
    /// <returns><see langword="true"/> once joined.</returns>
    public bool IsJoined(int index) => _nodes[index].Number > 0;

    /// <summary>When the member joined (<c>default</c> when they did not).</summary>
    /// <param name="index">The index.</param>
    /// <returns>The join time.</returns>
    public DateTimeOffset JoinedAt(int index) => _nodes[index].JoinedAt;

    /// <summary>The member's place in join order (1 for the first member), 0 when not joined.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The number.</returns>
    public int Number(int index) => _nodes[index].Number;

    /// <summary>The index of the member who joined <paramref name="number"/>-th (1 for the first).</summary>
    /// <param name="number">The join number, 1 to <see cref="JoinedCount"/>.</param>
    /// <returns>The index.</returns>
    public int IndexOfNumber(int number) => _byNumber[number];

    /// <summary>A profile attribute of the member, or <see langword="null"/>.</summary>
    /// <param name="index">The index.</param>
    /// <param name="name">The attribute name (without the <c>profile.</c> prefix).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? Profile(int index, string name)
    {
        foreach (var (key, value) in _profiles[index] ?? [])
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The member as the directory describes them, or <see langword="null"/> when they did not join.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The member.</returns>
    public MemberInfo? Info(int index)
    {
        if (index < 0 || !IsJoined(index))
        {
            return null;
        }

        var profile = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _profiles[index] ?? [])
        {
            profile[key] = value;
        }

        return new MemberInfo(Community, _ids[index], _nodes[index].JoinedAt, profile.AsReadOnly()) { Number = _nodes[index].Number };
    }

    /// <summary>The member's inviter, or -1.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The inviter's index, or -1.</returns>
    public int Parent(int index) => _nodes[index].Parent;

    /// <summary>How many inviters are above the member.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The depth (0 for a root).</returns>
    public int Depth(int index) => _nodes[index].Depth;

    /// <summary>Everyone below the member in the invite forest, at any depth.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The count.</returns>
    public int Descendants(int index) => _nodes[index].Descendants;

    /// <summary>How many members the member invited directly.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The count.</returns>
    public int InviteeCount(int index) => _nodes[index].Children;

    /// <summary>The member's invitees in join order, <paramref name="skip"/> then up to <paramref name="take"/>.</summary>
    /// <param name="index">The index.</param>
    /// <param name="skip">Invitees to skip.</param>
    /// <param name="take">Invitees to return.</param>
    /// <returns>Their indexes.</returns>
    public List<int> Invitees(int index, int skip, int take)
    {
        var result = new List<int>(Math.Min(take, Math.Max(0, _nodes[index].Children - skip)));
        for (var c = _nodes[index].FirstChild; c >= 0 && result.Count < take; c = _nodes[c].NextSibling)
        {
            if (skip > 0)
            {
                skip--;
                continue;
            }

            result.Add(c);
        }

        return result;
    }

    /// <summary>Writes up to <c>into.Length</c> inviters above the member, nearest first, without allocating.</summary>
    /// <param name="index">The index.</param>
    /// <param name="into">Where to write.</param>
    /// <returns>How many were written.</returns>
    public int Ancestors(int index, Span<int> into)
    {
        var count = 0;
        for (var a = _nodes[index].Parent; a >= 0 && count < into.Length; a = _nodes[a].Parent)
        {
            into[count++] = a;
        }

        return count;
    }

    /// <summary>The index of an activity type, or -1 when the community never recorded it.</summary>
    /// <param name="type">The activity type.</param>
    /// <returns>The index, or -1.</returns>
    public int TypeIndex(string type) => _types.TryGetValue(type, out var index) ? index : -1;

    /// <summary>The activity type at an index.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The type.</returns>
    public string TypeName(int index) => _typeNames[index];

    /// <summary>Interns a member (the fold only): the same id always gets the same index, in log order.</summary>
    /// <param name="member">The member.</param>
    /// <returns>The index.</returns>
    public int Intern(MemberId member)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, member, out var exists);
        if (exists)
        {
            return slot;
        }

        var index = Count++;
        slot = index;
        if (index == _ids.Length)
        {
            Array.Resize(ref _ids, index * 2);
            Array.Resize(ref _nodes, index * 2);
            Array.Resize(ref _profiles, index * 2);
        }

        _ids[index] = member;
        _nodes[index] = new Node { Parent = -1, FirstChild = -1, LastChild = -1, NextSibling = -1 };
        return index;
    }

    /// <summary>Interns an activity type (the fold only).</summary>
    /// <param name="type">The type.</param>
    /// <returns>Its index.</returns>
    public int InternType(string type)
    {
        if (!_types.TryGetValue(type, out var index))
        {
            index = _typeNames.Count;
            _types[type] = index;
            _typeNames.Add(type);
        }

        return index;
    }

    internal void Join(int index, DateTimeOffset at, IReadOnlyDictionary<string, string> profile)
    {
        ref var node = ref _nodes[index];
        if (node.Number > 0)
        {
            return;
        }

        node.Number = ++JoinedCount;
        node.JoinedAt = at;
        if (JoinedCount == _byNumber.Length)
        {
            Array.Resize(ref _byNumber, JoinedCount * 2);
        }

        _byNumber[JoinedCount] = index;
        SetProfile(index, profile);
    }

    internal void SetProfile(int index, IReadOnlyDictionary<string, string> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _profiles[index] ?? [])
        {
            merged[key] = value;
        }

        foreach (var (key, value) in changes)
        {
            if (value.Length == 0)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        _profiles[index] = merged.Count == 0 ? null : merged.ToArray();
    }

    /// <summary>Sets a new member's inviter, once: O(depth) for the ancestors' descendant counts.</summary>
    internal bool SetInviter(int child, int parent)
    {
        ref var node = ref _nodes[child];
        if (child == parent || node.Parent >= 0 || node.Children > 0)
        {
            return false; // an inviter is set once, on a member without invitees: no cycle can form
        }

        node.Parent = parent;
        node.Depth = _nodes[parent].Depth + 1;
        ref var p = ref _nodes[parent];
        if (p.LastChild < 0)
        {
            p.FirstChild = child;
        }
        else
        {
            _nodes[p.LastChild].NextSibling = child;
        }

        p.LastChild = child;
        p.Children++;
        for (var a = parent; a >= 0; a = _nodes[a].Parent)
        {
            _nodes[a].Descendants++;
        }

        return true;
    }

    internal void Write(Projections.SnapshotWriter writer)
    {
        writer.Write(Count);
        writer.Write(JoinedCount);
        for (var i = 0; i < Count; i++)
        {
            writer.Write(_ids[i].Value);
            ref var n = ref _nodes[i];
            writer.Write(n.Number);
            writer.Write(n.JoinedAt);
            writer.Write(n.Parent);
            writer.Write(n.Depth);
            writer.Write(n.Descendants);
            writer.Write(n.Children);
            writer.Write(n.FirstChild);
            writer.Write(n.LastChild);
            writer.Write(n.NextSibling);
            var profile = _profiles[i];
            writer.Write(profile?.Length ?? 0);
            foreach (var (key, value) in profile ?? [])
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        writer.Write(_typeNames.Count);
        foreach (var type in _typeNames)
        {
            writer.Write(type);
        }
    }

    internal static CommunityMembers Read(CommunityId community, Projections.SnapshotReader reader)
    {
        var members = new CommunityMembers(community);
        var count = reader.ReadInt32();
        var joined = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var index = members.Intern(new MemberId(reader.ReadString()));
            ref var n = ref members._nodes[index];
            n.Number = reader.ReadInt32();
            n.JoinedAt = reader.ReadDateTimeOffset();
            n.Parent = reader.ReadInt32();
            n.Depth = reader.ReadInt32();
            n.Descendants = reader.ReadInt32();
            n.Children = reader.ReadInt32();
            n.FirstChild = reader.ReadInt32();
            n.LastChild = reader.ReadInt32();
            n.NextSibling = reader.ReadInt32();
            var pairs = reader.ReadInt32();
            if (pairs > 0)
            {
                var profile = new KeyValuePair<string, string>[pairs];
                for (var p = 0; p < pairs; p++)
                {
                    profile[p] = new(reader.ReadString(), reader.ReadString());
                }

                members._profiles[index] = profile;
            }
        }

        members.JoinedCount = joined;
        members._byNumber = new int[Math.Max(64, joined + 1)];
        for (var i = 0; i < count; i++)
        {
            if (members._nodes[i].Number > 0)
            {
                members._byNumber[members._nodes[i].Number] = i;
            }
        }

        var types = reader.ReadInt32();
        for (var t = 0; t < types; t++)
        {
            members.InternType(reader.ReadString());
        }

        return members;
    }

    private struct Node
    {
        public DateTimeOffset JoinedAt;
        public int Number;
        public int Parent;
        public int Depth;
        public int Descendants;
        public int Children;
        public int FirstChild;
        public int LastChild;
        public int NextSibling;
    }
}
