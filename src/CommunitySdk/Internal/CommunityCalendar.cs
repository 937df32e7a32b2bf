using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

internal sealed class CommunityCalendar(IOptionsMonitor<CommunityOptions> options) : ICommunityCalendar
{
    private readonly ConcurrentDictionary<string, TimeZoneInfo> _zones = new(StringComparer.Ordinal);

    public TimeZoneInfo GetTimeZone(CommunityId community)
    {
        var current = options.CurrentValue;
        var id = current.Communities.TryGetValue(community.Value, out var settings) && settings?.TimeZone is { } zone
            ? zone
            : current.TimeZone;
        return _zones.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById);
    }
}
