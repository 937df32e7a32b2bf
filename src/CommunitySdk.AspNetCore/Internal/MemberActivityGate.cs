using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>
/// What a member may record through <c>POST activities</c>: only listed, non-command types, within their bounds
/// (value, attributes, hourly count). The hourly counters are fixed one-hour windows on the SDK's
/// <see cref="TimeProvider"/>, kept only for the current hour (bounded by the members active in it).
/// </summary>
internal sealed class MemberActivityGate(IOptions<CommunityEndpointOptions> options, ICommandActivityTypes commands, TimeProvider time)
{
    private readonly ConcurrentDictionary<(CommunityId Community, MemberId Member, string Type), Counter> _counters = new();
    private long _hour = -1;

    /// <summary>Checks the request and, when it has an hourly limit, takes one slot of it (give it back with <see cref="Release"/>).</summary>
    /// <returns>The slot taken, or <see langword="null"/> when the type has no hourly limit.</returns>
    public Counter? Admit(CommunityId community, MemberId member, RecordActivityRequest request)
    {
        var type = request.Type;
        if (string.IsNullOrEmpty(type))
        {
            throw new CommunityValidationException("type", "is required");
        }

        if (commands.IsCommand(type))
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "Command type", $"'{type}' is a command: only the host records it (through the typed services or the admin endpoints), never a member.");
        }

        if (!options.Value.MemberActivityTypes.TryGetValue(type, out var policy))
        {
            throw new HttpProblemException(StatusCodes.Status403Forbidden, "Not a member activity", $"Members may not record '{type}' (CommunityEndpointOptions.MemberActivityTypes).");
        }

        if (request.Value is { } value)
        {
            if (policy.MaxValue is not { } max)
            {
                throw new CommunityValidationException("value", $"is not accepted for '{type}'");
            }

            if (value < 0 || value > max)
            {
                throw new CommunityValidationException("value", string.Create(CultureInfo.InvariantCulture, $"must be between 0 and {max} for '{type}'"));
            }
        }

        foreach (var name in request.Attributes?.Keys ?? [])
        {
            if (!policy.Attributes.Contains(name))
            {
                throw new CommunityValidationException($"attributes[{name}]", $"is not accepted for '{type}'");
            }
        }

        if (policy.MaxPerHour is not { } perHour)
        {
            return null;
        }

        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        if (Interlocked.Exchange(ref _hour, hour) != hour)
        {
            foreach (var (key, counter) in _counters)
            {
                if (counter.Hour != hour)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }

        var slot = _counters.AddOrUpdate((community, member, type), static (_, h) => new Counter(h), static (_, c, h) => c.Hour == h ? c : new Counter(h), hour);
        if (Interlocked.Increment(ref slot.Count) > perHour)
        {
            Interlocked.Decrement(ref slot.Count);
            throw new HttpProblemException(StatusCodes.Status429TooManyRequests, "Too many requests", string.Create(CultureInfo.InvariantCulture, $"At most {perHour} '{type}' activities per member per hour."));
        }

        return slot;
    }

    /// <summary>Gives back a slot when the activity was not recorded (refused, or a retry of a recorded key).</summary>
    public static void Release(Counter? slot)
    {
        if (slot is not null)
        {
            Interlocked.Decrement(ref slot.Count);
        }
    }

    /// <summary>One member's count of one type in one hour.</summary>
    internal sealed class Counter(long hour)
    {
        public readonly long Hour = hour;
        public int Count;
    }
}
