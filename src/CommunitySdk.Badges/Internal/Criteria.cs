using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;

namespace CommunitySdk.Badges.Internal;

/// <summary>A leaf criterion's per-member state. One shape for every kind keeps cloning and storage simple.</summary>
internal sealed class LeafState
{
    public double Value;
    public double Best;
    public DateOnly Last;
    public string? Text;
    public DateTimeOffset[]? Ring;
    public int Head;
    public HashSet<string>? Set;

    public LeafState Clone()
    {
        var copy = (LeafState)MemberwiseClone();
        copy.Ring = (DateTimeOffset[]?)Ring?.Clone();
        copy.Set = Set is null ? null : new HashSet<string>(Set, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>The time a criterion is evaluated at, and that instant's date in the community's time zone.</summary>
internal readonly record struct Clock(DateTimeOffset Now, DateOnly Today);

/// <summary>Reads leaf states: a reactor's working copies over the projection's committed state.</summary>
internal interface ILeafReader
{
    LeafState? Get(MemberId member, int slot);
}

/// <summary>A node of a compiled criterion tree.</summary>
internal abstract class Node
{
    /// <summary>Whether the criterion holds for the member at <paramref name="now"/>.</summary>
    /// <param name="states">The leaf states.</param>
    /// <param name="member">The member.</param>
    /// <param name="now">The evaluation time.</param>
    /// <param name="reached">
    /// Judge each leaf by the best value it ever had at the moment of an activity (used by backfill, which runs
    /// later than the activities it judges) instead of its value now.
    /// </param>
    public abstract bool Holds(ILeafReader states, MemberId member, Clock now, bool reached = false);

    /// <summary>The member's progress (current capped at target, target).</summary>
    public abstract (double Current, double Target) Progress(ILeafReader states, MemberId member, Clock now);

    public abstract string Unit { get; }

    public abstract IEnumerable<Leaf> Leaves();
}

internal sealed class Composite(bool all, Node[] parts) : Node
{
    public override bool Holds(ILeafReader states, MemberId member, Clock now, bool reached = false) =>
        all ? Array.TrueForAll(parts, p => p.Holds(states, member, now, reached)) : Array.Exists(parts, p => p.Holds(states, member, now, reached));

    public override (double Current, double Target) Progress(ILeafReader states, MemberId member, Clock now)
    {
        if (all)
        {
            // All of: the parts' progress added up, each capped at its own target.
            double current = 0, target = 0;
            foreach (var part in parts)
            {
                var (c, t) = part.Progress(states, member, now);
                current += c;
                target += t;
            }

            return (current, target);
        }

        // Any of: the part that is furthest along.
        var best = parts[0].Progress(states, member, now);
        foreach (var part in parts.AsSpan(1))
        {
            var p = part.Progress(states, member, now);
            if (Fraction(p) > Fraction(best))
            {
                best = p;
            }
        }

        return best;
    }

    public override string Unit => all ? "steps" : parts[0].Unit;

    public override IEnumerable<Leaf> Leaves() => parts.SelectMany(p => p.Leaves());

    private static double Fraction((double Current, double Target) p) => p.Target <= 0 ? 1 : p.Current / p.Target;
}

/// <summary>A criterion with its own state, subscribed to activity types and event types.</summary>
internal abstract class Leaf(double target) : Node
{
    public int Slot { get; set; }

    public double Target { get; } = target;

    public virtual IEnumerable<string> ActivityTypes => [];

    public virtual IEnumerable<Type> EventTypes => [];

    /// <summary>The member whose state the trigger changes, or <see langword="null"/> when it does not apply.</summary>
    public virtual MemberId? Subject(BadgeTrigger trigger) => trigger.Event?.Member ?? trigger.Activity.Member;

    /// <summary>Folds the trigger into the member's state.</summary>
    public abstract void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts);

    public virtual double Current(LeafState? state, Clock now) => state?.Value ?? 0;

    public override bool Holds(ILeafReader states, MemberId member, Clock now, bool reached = false)
    {
        var state = states.Get(member, Slot);
        return (reached ? state?.Best ?? 0 : Current(state, now)) >= Target;
    }

    /// <summary>Folds the trigger and remembers the best value so far.</summary>
    public void Apply(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        Fold(state, trigger, firsts);
        state.Best = Math.Max(state.Best, Current(state, new Clock(trigger.At, trigger.LocalDate)));
    }

    public override (double Current, double Target) Progress(ILeafReader states, MemberId member, Clock now) =>
        (Math.Min(Current(states.Get(member, Slot), now), Target), Target);

    public override IEnumerable<Leaf> Leaves() => [this];
}

/// <summary>Which activity types some member has already done, for first-to-do badges.</summary>
internal sealed class CommunityFirsts
{
    private readonly CommunityFirsts? _committed;
    private HashSet<string>? _done; // a unit of work's overlay rarely claims anything

    public CommunityFirsts(CommunityFirsts? committed = null) => _committed = committed;

    /// <summary>Whether this overlay claimed nothing (it can serve the next unit of work of the same community).</summary>
    public bool IsEmptyOver(CommunityFirsts committed) => _committed == committed && _done is null;

    /// <summary>The types done (a snapshot writes them).</summary>
    public IEnumerable<string> Done => _done ?? [];

    /// <summary>Marks the type done; true when nobody had done it before.</summary>
    public bool TryClaim(string type) => (_committed is null || !_committed.IsDone(type)) && (_done ??= new(StringComparer.Ordinal)).Add(type);

    private bool IsDone(string type) => _done?.Contains(type) == true;
}

internal sealed class CountLeaf(string type, double target, TimeSpan? window) : Leaf(target)
{
    public override IEnumerable<string> ActivityTypes => [type];

    public override string Unit => type;

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        if (trigger.Event is ActivityReversed reversed)
        {
            Uncount(state, reversed.SourceOccurredAt);
            return;
        }

        state.Value++;
        if (window is null)
        {
            return;
        }

        // Keep the times of the last Target activities: the count in any window is at most Target.
        state.Ring ??= new DateTimeOffset[Math.Max(1, (int)Math.Ceiling(Target))];
        state.Ring[state.Head] = trigger.At;
        state.Head = (state.Head + 1) % state.Ring.Length;
    }

    /// <summary>Takes a reversed activity out of the count (and out of the window's times, when it is still there).</summary>
    private static void Uncount(LeafState state, DateTimeOffset at)
    {
        state.Value = Math.Max(0, state.Value - 1);
        if (state.Ring is { } ring && Array.IndexOf(ring, at) is var i and >= 0)
        {
            ring[i] = default;
        }
    }

    public override double Current(LeafState? state, Clock now)
    {
        if (state is null)
        {
            return 0;
        }

        if (window is not { } w)
        {
            return state.Value;
        }

        var from = now.Now - w;
        var count = 0;
        foreach (var at in state.Ring ?? [])
        {
            count += at > from && at != default ? 1 : 0;
        }

        return count;
    }
}

internal sealed class StreakLeaf(string type, double days) : Leaf(days)
{
    public override IEnumerable<string> ActivityTypes => [type];

    public override string Unit => "days in a row";

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        if (trigger.Event is ActivityReversed)
        {
            return; // a streak is not unmade by a reversal
        }

        var day = trigger.LocalDate;
        if (state.Value > 0 && day <= state.Last)
        {
            return; // same day (or a late arrival): the streak does not change
        }

        state.Value = state.Value > 0 && day == state.Last.AddDays(1) ? state.Value + 1 : 1;
        state.Last = day;
    }

    /// <summary>The current streak: it is broken once a whole local day passes without the activity.</summary>
    public override double Current(LeafState? state, Clock now) =>
        state is null || state.Last.AddDays(1) < now.Today ? 0 : state.Value;
}

internal sealed class PointsLeaf(string currency, double target) : Leaf(target)
{
    public override IEnumerable<Type> EventTypes => [typeof(PointsAwarded), typeof(PointsReversed)];

    public override string Unit => currency;

    public override MemberId? Subject(BadgeTrigger trigger) =>
        trigger.Event is PointsLedgerEvent e && string.Equals(e.Currency, currency, StringComparison.Ordinal) ? e.Member : null;

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts) =>
        state.Value += trigger.Event switch
        {
            PointsAwarded a => (double)a.Amount,
            PointsReversed r => (double)(r.Amount - r.Unrecovered), // the whole award stops counting as earned
            _ => 0,
        };
}

internal sealed class ReferralLeaf(double target) : Leaf(target)
{
    public override IEnumerable<Type> EventTypes => [typeof(ReferralQualified), typeof(ReferralReversed)];

    public override string Unit => "qualified referrals";

    public override MemberId? Subject(BadgeTrigger trigger) => trigger.Event switch
    {
        ReferralQualified q => q.Inviter,
        ReferralReversed r => r.Inviter,
        _ => null,
    };

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts) =>
        state.Value = trigger.Event is ReferralReversed ? Math.Max(0, state.Value - 1) : state.Value + 1;
}

internal sealed class TierLeaf(IReadOnlyCollection<string> tiers) : Leaf(1)
{
    public override IEnumerable<Type> EventTypes => [typeof(TierChanged)];

    public override string Unit => "tier";

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        state.Text = ((TierChanged)trigger.Event!).To;
        state.Value = tiers.Contains(state.Text) ? 1 : 0;
    }
}

internal sealed class EngagementLeaf(double target) : Leaf(target)
{
    public override IEnumerable<Type> EventTypes => [typeof(ScoreChanged)];

    public override string Unit => "engagement";

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts) =>
        state.Value = ((ScoreChanged)trigger.Event!).Engagement;
}

internal sealed class DistinctLeaf(string type, string attribute, double target) : Leaf(target)
{
    public override IEnumerable<string> ActivityTypes => [type];

    public override string Unit => $"distinct {attribute}";

    public override MemberId? Subject(BadgeTrigger trigger) =>
        trigger.Event is null && trigger.Activity.GetAttribute(attribute) is { Length: > 0 } ? trigger.Activity.Member : null;

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        if (state.Value >= Target)
        {
            state.Set = null; // reached: only the count matters now, so the values need not be kept
            return;
        }

        state.Set ??= new HashSet<string>(StringComparer.Ordinal);
        state.Set.Add(trigger.Activity.GetAttribute(attribute)!);
        state.Value = state.Set.Count;
        if (state.Value >= Target)
        {
            state.Set = null;
        }
    }
}

internal sealed class FirstLeaf(string type) : Leaf(1)
{
    public override IEnumerable<string> ActivityTypes => [type];

    public override string Unit => "first";

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        if (trigger.Event is null && firsts.TryClaim(type))
        {
            state.Value = 1;
        }
    }
}

internal sealed class CustomLeaf(IBadgeCriterion criterion) : Leaf(criterion.Target)
{
    public override IEnumerable<string> ActivityTypes => criterion.ActivityTypes;

    public override IEnumerable<Type> EventTypes => criterion.EventTypes;

    public override string Unit => criterion.Name;

    public override void Fold(LeafState state, BadgeTrigger trigger, CommunityFirsts firsts)
    {
        if (trigger.Event is ActivityReversed && !criterion.EventTypes.Contains(typeof(ActivityReversed)))
        {
            return; // reversals reach a host criterion only when it subscribes to them
        }

        state.Value = criterion.Fold(state.Value, trigger);
    }
}
