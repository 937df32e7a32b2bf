using CommunitySdk.Projections;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// The first reactor (order 0): handles joins and profile updates, makes sure every other activity comes from a
/// member (joining them implicitly, or rejecting the activity), and keeps the community within its number of distinct
/// activity types.
/// </summary>
internal sealed class MembershipReactor(IOptionsMonitor<CommunityOptions> options) : IActivityReactor
{
    public int Order => 0;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var members = CommunityStates.Of(context).Members;
        var type = context.Activity.Type;
        var maxTypes = options.CurrentValue.MaxActivityTypes;
        if (members.TypeIndex(type) < 0 && members.TypeCount >= maxTypes)
        {
            throw new CommunityLimitExceededException(
                "CommunityOptions.MaxActivityTypes", maxTypes, $"Community '{context.Community}' already recorded {members.TypeCount} distinct activity types; '{type}' would be one more");
        }

        var index = members.IndexOf(context.Member);
        var known = index >= 0 && members.IsJoined(index);
        switch (type)
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

                    context.Emit(new MemberJoined { Member = context.Member, Profile = EmptyProfile, Implicit = true });
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyProfile = new Dictionary<string, string>().AsReadOnly();

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
