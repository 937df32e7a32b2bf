using CommunitySdk.Referrals;

namespace CommunitySdk.AspNetCore;

/// <summary>Builds a member's invite tree for drawing (the <c>me/invite-tree</c> endpoint uses it too).</summary>
public static class InviteTrees
{
    /// <summary>The most invitees listed under one member; <see cref="InviteTreeNode.Descendants"/> still counts all.</summary>
    public const int MaxChildren = 50;

    /// <summary>The tree under <paramref name="member"/>, <paramref name="depth"/> levels deep, with display names.</summary>
    /// <param name="graph">The invite graph.</param>
    /// <param name="directory">The member directory (for display names).</param>
    /// <param name="community">The community.</param>
    /// <param name="member">The root member.</param>
    /// <param name="depth">Levels below the root to include (0: the root alone).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The root node.</returns>
    public static async ValueTask<InviteTreeNode> BuildAsync(IInviteGraph graph, IMemberDirectory directory, CommunityId community, MemberId member, int depth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        var children = new List<InviteTreeNode>();
        if (depth > 0)
        {
            foreach (var invitee in await graph.GetInviteesAsync(community, member, 0, MaxChildren, cancellationToken).ConfigureAwait(false))
            {
                children.Add(await BuildAsync(graph, directory, community, invitee, depth - 1, cancellationToken).ConfigureAwait(false));
            }
        }

        var descendants = await graph.GetDescendantCountAsync(community, member, cancellationToken).ConfigureAwait(false);
        var name = await Internal.CommunityHttp.NameAsync(directory, community, member, cancellationToken).ConfigureAwait(false);
        return new InviteTreeNode(name, member.Value, children, descendants);
    }
}
