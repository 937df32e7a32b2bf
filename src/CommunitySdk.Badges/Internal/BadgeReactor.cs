namespace CommunitySdk.Badges.Internal;

/// <summary>
/// Evaluates the badges an activity can affect and emits <see cref="BadgeEarned"/> / <see cref="BadgeRevoked"/>;
/// handles the grant, revoke and backfill commands. Runs after every built-in feature (order 900) so its
/// criteria see the points, referral and scoring events of the same activity.
/// </summary>
internal sealed class BadgeReactor(BadgeCatalog catalog, BadgeProjection projection) : IActivityReactor
{
    public const int ReactorOrder = 900;

    public int Order => ReactorOrder;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        React(context, projection.Of(context));
        return ValueTask.CompletedTask;
    }

    private void React(ActivityContext context, CommunityBadges committed)
    {
        switch (context.Activity.Type)
        {
            case BadgeActivityTypes.Grant:
                Grant(context, committed);
                return;
            case BadgeActivityTypes.Revoke:
                Revoke(context, committed);
                return;
            case BadgeActivityTypes.Backfill:
                Backfill(context, committed);
                return;
        }

        // One scratch per thread, reused: the reactor runs synchronously and is never re-entered.
        var work = _scratch ??= new Workspace();
        work.Reset(committed);
        try
        {
            React(context, committed, work);
        }
        finally
        {
            work.Reset(null);
        }
    }

    [ThreadStatic]
    private static Workspace? _scratch;

    private void React(ActivityContext context, CommunityBadges committed, Workspace work)
    {
        BadgeEngine.Fold(catalog, context.Activity, context.Events, context.EffectiveTime, context.LocalDate, work, work.Firsts);
        if (work.TouchedCount == 0)
        {
            return;
        }

        // Each member the activity touched (usually one), their touched badges in prerequisite order.
        var clock = new Clock(context.EffectiveTime, context.LocalDate);
        var queue = work.Queue;
        var granted = work.Granted;
        for (var i = 0; i < work.TouchedCount; i++)
        {
            var member = work.TouchedAt(i).Member;
            if (work.IndexOfMember(member) < i)
            {
                continue; // evaluated with its first touch
            }

            queue.Clear();
            granted.Clear();
            for (var j = i; j < work.TouchedCount; j++)
            {
                if (work.TouchedAt(j).Member == member)
                {
                    Enqueue(queue, catalog.OrderPosition[work.TouchedAt(j).Badge]);
                }
            }

            Evaluate(context, committed, work, member, queue, granted, clock);
        }
    }

    /// <summary>Adds a badge's position to the sorted queue of positions, once.</summary>
    private static void Enqueue(List<int> queue, int position)
    {
        var at = queue.BinarySearch(position);
        if (at < 0)
        {
            queue.Insert(~at, position);
        }
    }

    /// <summary>Evaluates the touched badges of one member in prerequisite order, adding dependents of new grants.</summary>
    private void Evaluate(ActivityContext context, CommunityBadges committed, Workspace work, MemberId member, List<int> queue, List<int> granted, Clock clock)
    {
        var state = committed.Find(member);
        while (queue.Count > 0)
        {
            var badge = catalog.Badges[catalog.Order[queue[0]]];
            queue.RemoveAt(0);
            if (badge.Criterion is null)
            {
                continue;
            }

            var held = state?.Held.GetValueOrDefault(badge.Index);
            var holds = badge.Criterion.Holds(work, member, clock) && Prerequisites(badge, state, granted);
            if (held is { Revoked: false })
            {
                if (holds && badge.Info.Repeatable)
                {
                    Emit(context, badge, member, held.Grants + 1, granted, queue);
                }
                else if (!holds && badge.AutoRevoke)
                {
                    context.Emit(new BadgeRevoked { Member = member, BadgeId = badge.Info.Id, Reason = "the criterion no longer holds", Automatic = true });
                }
            }
            else if (holds && held is not { Withdrawn: true })
            {
                Emit(context, badge, member, badge.Info.Repeatable ? (held?.Grants ?? 0) + 1 : 1, granted, queue);
            }
        }
    }

    private void Emit(ActivityContext context, CompiledBadge badge, MemberId member, int grants, List<int> granted, List<int>? queue, bool backfill = false)
    {
        context.Emit(new BadgeEarned
        {
            Member = member,
            BadgeId = badge.Info.Id,
            Family = badge.Info.Family,
            Level = badge.Info.Level,
            Grants = Math.Max(grants, 1),
            Backfill = backfill,
        });
        granted.Add(badge.Index);
        if (queue is not null)
        {
            foreach (var dependent in badge.Dependents)
            {
                Enqueue(queue, catalog.OrderPosition[dependent]);
            }
        }
    }

    private static bool Prerequisites(CompiledBadge badge, MemberBadges? state, List<int> granted)
    {
        foreach (var required in badge.Requires)
        {
            if (!granted.Contains(required) && state?.Holds(required) != true)
            {
                return false;
            }
        }

        return true;
    }

    private void Grant(ActivityContext context, CommunityBadges committed)
    {
        var badge = catalog.Require(context.Activity.GetAttribute(BadgeActivityTypes.BadgeAttribute));
        var reason = RequireReason(context);
        var held = committed.Find(context.Member)?.Held.GetValueOrDefault(badge.Index);
        if (held is { Revoked: false } && !badge.Info.Repeatable)
        {
            return; // already held: granting again changes nothing
        }

        context.Emit(new BadgeEarned
        {
            Member = context.Member,
            BadgeId = badge.Info.Id,
            Family = badge.Info.Family,
            Level = badge.Info.Level,
            Grants = badge.Info.Repeatable ? (held?.Grants ?? 0) + 1 : 1,
            Manual = true,
            Reason = reason,
        });
    }

    private void Revoke(ActivityContext context, CommunityBadges committed)
    {
        var badge = catalog.Require(context.Activity.GetAttribute(BadgeActivityTypes.BadgeAttribute));
        var reason = RequireReason(context);
        if (committed.Find(context.Member)?.Holds(badge.Index) != true)
        {
            throw new CommunityValidationException("badge", $"member '{context.Member}' does not hold '{badge.Info.Id}'");
        }

        context.Emit(new BadgeRevoked { Member = context.Member, BadgeId = badge.Info.Id, Reason = reason });
    }

    /// <summary>Grants every automatic badge whose criterion has been reached, to every member, marked as backfill.</summary>
    private void Backfill(ActivityContext context, CommunityBadges committed)
    {
        var clock = new Clock(context.EffectiveTime, context.LocalDate);
        foreach (var (member, state) in committed.All().Select(m => (committed.Members.IdOf(m.Index), m.State)).OrderBy(m => m.Item1.Value, StringComparer.Ordinal).ToArray())
        {
            var granted = new List<int>();
            foreach (var index in catalog.Order)
            {
                var badge = catalog.Badges[index];
                if (badge.Criterion is null || state.Held.ContainsKey(index) || !Prerequisites(badge, state, granted)
                    || !badge.Criterion.Holds(committed, member, clock, reached: true))
                {
                    continue;
                }

                Emit(context, badge, member, 1, granted, null, backfill: true);
            }
        }
    }

    private static string RequireReason(ActivityContext context) =>
        context.Activity.GetAttribute(BadgeActivityTypes.ReasonAttribute) is { Length: > 0 } reason
            ? reason
            : throw new CommunityValidationException("reason", "is required");

    /// <summary>Working copies of the leaves an activity changes, read over the committed state, and what it touched.</summary>
    private sealed class Workspace : ILeafReader, ILeafWriter
    {
        private readonly List<(MemberId Member, int Slot, LeafState State)> _copies = new(4);
        private readonly List<(MemberId Member, int Badge)> _touched = new(4);
        private CommunityBadges _committed = null!;

        /// <summary>Badges to evaluate, by prerequisite position (sorted).</summary>
        public List<int> Queue { get; } = new(4);

        /// <summary>Badges granted so far to the member being evaluated.</summary>
        public List<int> Granted { get; } = new(2);

        /// <summary>First-to-do claims of this activity, over the committed ones.</summary>
        public CommunityFirsts Firsts { get; private set; } = new();

        public void Reset(CommunityBadges? committed)
        {
            _committed = committed!;
            _copies.Clear();
            _touched.Clear();
            Queue.Clear();
            Granted.Clear();
            if (committed is not null && !Firsts.IsEmptyOver(committed.Firsts))
            {
                Firsts = new CommunityFirsts(committed.Firsts);
            }
        }

        public int TouchedCount => _touched.Count;

        public (MemberId Member, int Badge) TouchedAt(int i) => _touched[i];

        /// <summary>Where the member was first touched.</summary>
        public int IndexOfMember(MemberId member)
        {
            for (var i = 0; i < _touched.Count; i++)
            {
                if (_touched[i].Member == member)
                {
                    return i;
                }
            }

            return -1;
        }

        public LeafState? Get(MemberId member, int slot) => Find(member, slot) ?? _committed.Get(member, slot);

        public LeafState Writable(MemberId member, int slot)
        {
            if (Find(member, slot) is { } copy)
            {
                return copy;
            }

            copy = _committed.Get(member, slot)?.Clone() ?? new LeafState();
            _copies.Add((member, slot, copy));
            return copy;
        }

        public void Touched(MemberId member, int badge) => _touched.Add((member, badge));

        private LeafState? Find(MemberId member, int slot)
        {
            foreach (var (m, s, state) in _copies)
            {
                if (s == slot && m == member)
                {
                    return state;
                }
            }

            return null;
        }
    }
}
