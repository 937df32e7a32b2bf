namespace CommunitySdk.Badges.Internal;

/// <summary>
/// The one fold both the reactor (on working copies) and the projection (on committed state) run, so what a
/// reactor decides and what the projection later holds cannot drift apart.
/// </summary>
internal static class BadgeEngine
{
    /// <summary>
    /// Feeds an activity and the events recorded with it to the leaves subscribed to their types (the index
    /// makes the cost independent of how many badges exist). Badge events themselves are not triggers.
    /// </summary>
    public static void Fold(
        BadgeCatalog catalog,
        Activity activity,
        IReadOnlyList<CommunityEvent> events,
        DateTimeOffset at,
        DateOnly localDate,
        Func<MemberId, int, LeafState> stateFor,
        CommunityFirsts firsts,
        Action<MemberId, int>? touched)
    {
        if (catalog.ByActivityType.TryGetValue(activity.Type, out var leaves))
        {
            Feed(catalog, leaves, new BadgeTrigger(activity, null, at, localDate), stateFor, firsts, touched);
        }

        if (catalog.ByEventType.Count == 0)
        {
            return;
        }

        foreach (var e in events)
        {
            if (catalog.ByEventType.TryGetValue(e.GetType(), out leaves))
            {
                Feed(catalog, leaves, new BadgeTrigger(activity, e, at, localDate), stateFor, firsts, touched);
            }
        }
    }

    private static void Feed(BadgeCatalog catalog, Leaf[] leaves, BadgeTrigger trigger, Func<MemberId, int, LeafState> stateFor, CommunityFirsts firsts, Action<MemberId, int>? touched)
    {
        foreach (var leaf in leaves)
        {
            if (leaf.Subject(trigger) is not { IsEmpty: false } member)
            {
                continue;
            }

            leaf.Apply(stateFor(member, leaf.Slot), trigger, firsts);
            touched?.Invoke(member, catalog.BadgeOfLeaf[leaf.Slot]);
        }
    }
}
