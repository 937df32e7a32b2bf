using CommunitySdk.Referrals;

namespace CommunitySdk.AspNetCore.Internal;

/// <summary>Builds a member's invite tree down to a depth, for drawing.</summary>
internal static class InviteTree
{
    private const int MaxChildren = 50;

    public static async ValueTask<InviteTreeNode> BuildAsync(IInviteGraph graph, CommunityId community, MemberId member, int depth, CancellationToken cancellationToken)
    {
        var children = new List<InviteTreeNode>();
        if (depth > 0)
        {
            foreach (var invitee in await graph.GetInviteesAsync(community, member, 0, MaxChildren, cancellationToken).ConfigureAwait(false))
            {
                children.Add(await BuildAsync(graph, community, invitee, depth - 1, cancellationToken).ConfigureAwait(false));
            }
        }

        var descendants = await graph.GetDescendantCountAsync(community, member, cancellationToken).ConfigureAwait(false);
        return new InviteTreeNode(member.Value, children, descendants);
    }
}
