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
        if (!projection.Read(context.Community, c => { React(context, c); return true; }, false))
        {
            React(context, new CommunityBadges(catalog.Badges.Count)); // the community's first activity
        }

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

        var work = new Workspace(committed);
        var touched = new List<(MemberId Member, int Badge)>();
        BadgeEngine.Fold(catalog, context.Activity, context.Events.ToArray(), context.EffectiveTime, context.LocalDate, work.Writable, new CommunityFirsts(committed.Firsts), (m, b) => touched.Add((m, b)));
        if (touched.Count == 0)
        {
            return;
        }

        var clock = new Clock(context.EffectiveTime, context.LocalDate);
        foreach (var group in touched.GroupBy(t => t.Member))
        {
            Evaluate(context, committed, work, group.Key, group.Select(t => t.Badge), clock);
        }
    }

    /// <summary>Evaluates the touched badges of one member in prerequisite order, adding dependents of new grants.</summary>
    private void Evaluate(ActivityContext context, CommunityBadges committed, Workspace work, MemberId member, IEnumerable<int> badges, Clock clock)
    {
        var state = committed.Find(member);
        var queue = new SortedSet<int>(badges.Select(b => catalog.OrderPosition[b]));
        var granted = new HashSet<int>();
        while (queue.Count > 0)
        {
            var badge = catalog.Badges[catalog.Order[queue.Min]];
            queue.Remove(queue.Min);
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

    private void Emit(ActivityContext context, CompiledBadge badge, MemberId member, int grants, HashSet<int> granted, SortedSet<int>? queue, bool backfill = false)
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
        foreach (var dependent in badge.Dependents)
        {
            queue?.Add(catalog.OrderPosition[dependent]);
        }
    }

    private static bool Prerequisites(CompiledBadge badge, MemberBadges? state, HashSet<int> granted) =>
        Array.TrueForAll(badge.Requires, r => granted.Contains(r) || (state?.Holds(r) ?? false));

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
        foreach (var (member, state) in committed.Members.OrderBy(m => m.Key.Value, StringComparer.Ordinal))
        {
            var granted = new HashSet<int>();
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

    /// <summary>Working copies of the leaves an activity changes, read over the committed state.</summary>
    private sealed class Workspace(CommunityBadges committed) : ILeafReader
    {
        private readonly Dictionary<(MemberId, int), LeafState> _copies = [];

        public LeafState? Get(MemberId member, int slot) =>
            _copies.TryGetValue((member, slot), out var copy) ? copy : committed.Get(member, slot);

        public LeafState Writable(MemberId member, int slot)
        {
            if (!_copies.TryGetValue((member, slot), out var copy))
            {
                _copies[(member, slot)] = copy = committed.Get(member, slot)?.Clone() ?? new LeafState();
            }

            return copy;
        }
    }
}
