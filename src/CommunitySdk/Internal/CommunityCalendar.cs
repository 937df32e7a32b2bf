using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>The communities' time zones and first days of the week, from <see cref="CommunityOptions"/>.</summary>
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

    public DayOfWeek GetFirstDayOfWeek(CommunityId community)
    {
        var current = options.CurrentValue;
        return current.Communities.TryGetValue(community.Value, out var settings) && settings?.FirstDayOfWeek is { } day
            ? day
            : current.FirstDayOfWeek;
    }
}
