using System.Collections.Concurrent;

namespace CommunitySdk.Internal;

/// <summary>Who has joined each community, folded from <see cref="MemberJoined"/> and <see cref="MemberProfileUpdated"/>.</summary>
internal sealed class MemberDirectoryProjection : ICommunityProjection
{
    private readonly ConcurrentDictionary<CommunityId, Members> _communities = new();

    public void Apply(CommittedActivity committed)
    {
        Get(committed.Activity.Community).AddType(committed.Activity.Type);
        foreach (var communityEvent in committed.Events)
        {
            switch (communityEvent)
            {
                case MemberJoined joined:
                    Get(joined.Community).Add(new MemberInfo(joined.Community, joined.Member, joined.OccurredAt, joined.Profile));
                    break;
                case MemberProfileUpdated updated:
                    Get(updated.Community).Update(updated.Member, updated.Changes);
                    break;
            }
        }
    }

    public void Reset(CommunityId community) => _communities.TryRemove(community, out _);

    public MemberInfo? Find(CommunityId community, MemberId member) =>
        _communities.TryGetValue(community, out var members) ? members.Find(member) : null;

    public bool Contains(CommunityId community, MemberId member) => Find(community, member) is not null;

    /// <summary>Whether the community recorded <paramref name="type"/> before, and how many distinct types it recorded.</summary>
    public (bool Known, int Count) ActivityType(CommunityId community, string type) =>
        _communities.TryGetValue(community, out var members) ? members.ActivityType(type) : (false, 0);

    public int Count(CommunityId community) => _communities.TryGetValue(community, out var members) ? members.Count : 0;

    public IReadOnlyList<MemberInfo> List(CommunityId community, int skip, int take) =>
        _communities.TryGetValue(community, out var members) ? members.List(skip, take) : [];

    private Members Get(CommunityId community) => _communities.GetOrAdd(community, static _ => new Members());

    private sealed class Members
    {
        private readonly Lock _sync = new();
        private readonly Dictionary<MemberId, int> _index = [];
        private readonly List<MemberInfo> _inJoinOrder = [];
        private readonly HashSet<string> _types = new(StringComparer.Ordinal);

        public int Count
        {
            get
            {
                lock (_sync)
                {
                    return _inJoinOrder.Count;
                }
            }
        }

        public void Add(MemberInfo member)
        {
            lock (_sync)
            {
                if (_index.TryAdd(member.Member, _inJoinOrder.Count))
                {
                    _inJoinOrder.Add(member with { Number = _inJoinOrder.Count + 1 });
                }
            }
        }

        public void AddType(string type)
        {
            lock (_sync)
            {
                _types.Add(type);
            }
        }

        public (bool Known, int Count) ActivityType(string type)
        {
            lock (_sync)
            {
                return (_types.Contains(type), _types.Count);
            }
        }

        public void Update(MemberId member, IReadOnlyDictionary<string, string> changes)
        {
            lock (_sync)
            {
                if (!_index.TryGetValue(member, out var i))
                {
                    return;
                }

                var profile = new Dictionary<string, string>(_inJoinOrder[i].Profile, StringComparer.Ordinal);
                foreach (var (name, value) in changes)
                {
                    if (value.Length == 0)
                    {
                        profile.Remove(name);
                    }
                    else
                    {
                        profile[name] = value;
                    }
                }

                _inJoinOrder[i] = _inJoinOrder[i] with { Profile = profile.AsReadOnly() };
            }
        }

        public MemberInfo? Find(MemberId member)
        {
            lock (_sync)
            {
                return _index.TryGetValue(member, out var i) ? _inJoinOrder[i] : null;
            }
        }

        public MemberInfo[] List(int skip, int take)
        {
            lock (_sync)
            {
                return _inJoinOrder.Skip(skip).Take(take).ToArray();
            }
        }
    }
}
