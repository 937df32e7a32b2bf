using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>Cross-field rules of <see cref="CommunityOptions"/> that data annotations cannot express.</summary>
internal sealed class CommunityOptionsValidator : IValidateOptions<CommunityOptions>
{
    public ValidateOptionsResult Validate(string? name, CommunityOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"Community:TimeZone '{options.TimeZone}' is not a known time zone id.");
        }

        foreach (var (id, settings) in options.Communities)
        {
            if (!CommunityId.TryCreate(id, out _))
            {
                failures.Add($"Community:Communities key '{id}' is not a valid community id (non-empty, at most 128 characters, no control characters).");
            }

            if (settings?.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                failures.Add($"Community:Communities:{id}:TimeZone '{zone}' is not a known time zone id.");
            }
        }

        OptionsAnnotations.Validate(options.Privacy, "Community:Privacy", failures);
        if (options.Privacy.FreeTextAttributes.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Community:Privacy:FreeTextAttributes must not hold an empty name.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
