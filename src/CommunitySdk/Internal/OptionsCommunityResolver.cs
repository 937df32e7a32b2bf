using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Internal;

/// <summary>
/// The default <see cref="ICommunityResolver"/>: the communities declared in <see cref="CommunityOptions.Communities"/>,
/// or, with <see cref="CommunityOptions.AllowUndeclaredCommunities"/>, any valid id up to <see cref="CommunityOptions.MaxCommunities"/>.
/// </summary>
internal sealed class OptionsCommunityResolver(IOptionsMonitor<CommunityOptions> options) : ICommunityResolver
{
    private readonly ConcurrentDictionary<CommunityId, byte> _admitted = new();
    private readonly Lock _admit = new();

    public ValueTask<bool> ExistsAsync(CommunityId community, CancellationToken cancellationToken = default) => ValueTask.FromResult(Exists(community));

    private bool Exists(CommunityId community)
    {
        if (community.IsEmpty)
        {
            return false;
        }

        var current = options.CurrentValue;
        if (current.Communities.ContainsKey(community.Value))
        {
            return true;
        }

        if (!current.AllowUndeclaredCommunities)
        {
            return false;
        }

        if (_admitted.ContainsKey(community))
        {
            return true;
        }

        lock (_admit)
        {
            if (_admitted.Count >= current.MaxCommunities)
            {
                return false;
            }

            _admitted.TryAdd(community, 0);
            return true;
        }
    }
}

/// <summary>The command types every feature reserved with <see cref="CommunitySdkBuilderExtensions.AddCommandTypes"/>.</summary>
internal sealed class CommandActivityTypes : ICommandActivityTypes
{
    private readonly string[] _prefixes;
    private readonly HashSet<string> _exact;

    public CommandActivityTypes(IEnumerable<CommandTypeRegistration> registrations)
    {
        var reserved = registrations.Select(r => r.TypeOrNamespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Reserved = reserved;
        _prefixes = reserved.Where(r => r.EndsWith('.')).ToArray();
        _exact = reserved.Where(r => !r.EndsWith('.')).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Reserved { get; }

    public bool IsCommand(string activityType)
    {
        ArgumentNullException.ThrowIfNull(activityType);
        if (_exact.Contains(activityType))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (activityType.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One reserved command type, or a namespace when it ends with a dot.</summary>
internal sealed record CommandTypeRegistration(string TypeOrNamespace);
