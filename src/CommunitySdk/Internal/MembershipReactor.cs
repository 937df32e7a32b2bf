using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// The first reactor (order 0): handles joins and profile updates, and makes sure every other activity
/// comes from a member (joining them implicitly, or rejecting the activity).
/// </summary>
internal sealed class MembershipReactor(MemberDirectoryProjection directory, IOptionsMonitor<CommunityOptions> options) : IActivityReactor
{
    public int Order => 0;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var (typeKnown, types) = directory.ActivityType(context.Community, context.Activity.Type);
        var maxTypes = options.CurrentValue.MaxActivityTypes;
        if (!typeKnown && types >= maxTypes)
        {
            throw new CommunityLimitExceededException(
                "CommunityOptions.MaxActivityTypes", maxTypes, $"Community '{context.Community}' already recorded {types} distinct activity types; '{context.Activity.Type}' would be one more");
        }

        var known = directory.Contains(context.Community, context.Member);
        switch (context.Activity.Type)
        {
            case CommunityActivityTypes.MemberJoined:
                if (known)
                {
                    throw new MemberAlreadyJoinedException(context.Community, context.Member);
                }

                context.Emit(new MemberJoined { Member = context.Member, Profile = ProfileOf(context.Activity) });
                break;

            case CommunityActivityTypes.MemberProfileUpdated:
                if (!known)
                {
                    throw new MemberNotFoundException(context.Community, context.Member);
                }

                context.Emit(new MemberProfileUpdated { Member = context.Member, Changes = ProfileOf(context.Activity) });
                break;

            default:
                if (!known)
                {
                    if (!options.CurrentValue.AutoJoinMembers)
                    {
                        throw new MemberNotFoundException(context.Community, context.Member);
                    }

                    context.Emit(new MemberJoined { Member = context.Member, Profile = new Dictionary<string, string>(), Implicit = true });
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The <c>profile.*</c> attributes, without the prefix.</summary>
    internal static IReadOnlyDictionary<string, string> ProfileOf(Activity activity)
    {
        var profile = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in activity.Attributes)
        {
            if (name.StartsWith(CommunityActivityTypes.ProfileAttributePrefix, StringComparison.Ordinal))
            {
                profile[name[CommunityActivityTypes.ProfileAttributePrefix.Length..]] = value;
            }
        }

        return profile.AsReadOnly();
    }
}
