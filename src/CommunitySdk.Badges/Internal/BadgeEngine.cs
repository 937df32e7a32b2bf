namespace CommunitySdk.Badges.Internal;

/// <summary>Where the fold writes leaf states: the projection's committed state, or a reactor's working copies.</summary>
internal interface ILeafWriter
{
    /// <summary>The member's leaf state to change.</summary>
    LeafState Writable(MemberId member, int slot);

    /// <summary>A leaf of <paramref name="badge"/> changed for the member (a reactor evaluates it).</summary>
    void Touched(MemberId member, int badge);
}

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
        ILeafWriter writer,
        CommunityFirsts firsts)
    {
        if (catalog.ByActivityType.TryGetValue(activity.Type, out var leaves))
        {
            Feed(catalog, leaves, new BadgeTrigger(activity, null, at, localDate), writer, firsts);
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (catalog.ByEventType.TryGetValue(e.GetType(), out leaves))
            {
                Feed(catalog, leaves, new BadgeTrigger(activity, e, at, localDate), writer, firsts);
            }

            // A reversed activity no longer counts: the criteria of its type see the reversal (counts go down).
            if (e is ActivityReversed reversed && catalog.ByActivityType.TryGetValue(reversed.SourceType, out leaves))
            {
                Feed(catalog, leaves, new BadgeTrigger(activity, e, at, localDate), writer, firsts);
            }
        }
    }

    private static void Feed(BadgeCatalog catalog, Leaf[] leaves, BadgeTrigger trigger, ILeafWriter writer, CommunityFirsts firsts)
    {
        foreach (var leaf in leaves)
        {
            if (leaf.Subject(trigger) is not { IsEmpty: false } member)
            {
                continue;
            }

            leaf.Apply(writer.Writable(member, leaf.Slot), trigger, firsts);
            writer.Touched(member, catalog.BadgeOfLeaf[leaf.Slot]);
        }
    }
}
