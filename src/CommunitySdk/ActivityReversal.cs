namespace CommunitySdk;

/// <summary>
/// The activity a <see cref="CommunityActivityTypes.Reverse"/> command reverses, with its events, as reactors of the
/// same unit of work see it: points take back what it awarded, referrals reverse the referral it qualified, badges
/// uncount it.
/// </summary>
public sealed class ActivityReversal
{
    private ActivityReversal()
    {
    }

    /// <summary>The reversed activity and the events it produced, or <see langword="null"/>.</summary>
    public CommittedActivity? Source { get; private set; }

    /// <summary>The activity the unit of work reverses, or <see langword="null"/> when it reverses none.</summary>
    /// <param name="context">The unit of work.</param>
    /// <returns>The reversed activity, or <see langword="null"/>.</returns>
    public static CommittedActivity? Of(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Activity.Type is CommunityActivityTypes.Reverse or Internal.ReversalReactor.LegacyPointsReverse
            ? context.GetOrAddState(static () => new ActivityReversal()).Source
            : null;
    }

    internal static void Set(ActivityContext context, CommittedActivity source) =>
        context.GetOrAddState(static () => new ActivityReversal()).Source = source;
}
