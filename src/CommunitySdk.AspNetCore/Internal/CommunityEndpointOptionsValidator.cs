using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>Start-up checks of <see cref="CommunityEndpointOptions"/>: every problem at once, with its path.</summary>
internal sealed class CommunityEndpointOptionsValidator(ICommandActivityTypes commands) : IValidateOptions<CommunityEndpointOptions>
{
    private const string Path = CommunityEndpointOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, CommunityEndpointOptions options)
    {
        var failures = new List<string>();
        if (options.MaxLeaderboardCount is < 1 or > 500)
        {
            failures.Add($"{Path}:MaxLeaderboardCount must be between 1 and 500 (was {options.MaxLeaderboardCount}).");
        }

        if (options.MaxRequestBodySize is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Path}:MaxRequestBodySize must be between 1024 and 16777216 bytes (was {options.MaxRequestBodySize})."));
        }

        if (options.MemberOf is null)
        {
            failures.Add($"{Path}:MemberOf is required.");
        }

        if (options.CanAccessCommunity is null || options.CanAdministerCommunity is null)
        {
            failures.Add($"{Path}:CanAccessCommunity and CanAdministerCommunity are required.");
        }

        foreach (var (type, policy) in options.MemberActivityTypes)
        {
            var at = $"{Path}:MemberActivityTypes:{type}";
            if (Activity.CheckName(type, Activity.MaxTypeLength) is { } reason)
            {
                failures.Add($"{at}: the activity type {reason}.");
                continue;
            }

            if (commands.IsCommand(type))
            {
                failures.Add($"{at}: '{type}' is a command type; only the host records it (through the typed services or admin endpoints), never a member.");
            }

            if (policy is null)
            {
                continue;
            }

            if (policy.MaxValue is < 0)
            {
                failures.Add($"{at}:MaxValue must not be negative.");
            }

            if (policy.MaxPerHour is < 1)
            {
                failures.Add($"{at}:MaxPerHour must be at least 1.");
            }

            foreach (var attribute in policy.Attributes)
            {
                if (Activity.CheckName(attribute, Activity.MaxAttributeNameLength) is { } bad)
                {
                    failures.Add($"{at}:Attributes: '{attribute}' {bad}.");
                }
            }
        }

        foreach (var attribute in options.MemberProfileAttributes)
        {
            if (Activity.CheckName(attribute, Activity.MaxAttributeNameLength - CommunityActivityTypes.ProfileAttributePrefix.Length) is { } bad)
            {
                failures.Add($"{Path}:MemberProfileAttributes: '{attribute}' {bad}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
