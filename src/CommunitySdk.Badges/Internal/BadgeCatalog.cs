using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Badges.Internal;

/// <summary>The display names per culture of a badge: its own (or its family's and its level's) name and description.</summary>
internal sealed record BadgeTexts(
    IReadOnlyDictionary<string, string>? Names,
    IReadOnlyDictionary<string, string>? Descriptions,
    IReadOnlyDictionary<string, string>? LevelNames = null)
{
    public bool IsEmpty => Names is null && Descriptions is null && LevelNames is null;
}

/// <summary>One compiled badge.</summary>
internal sealed class CompiledBadge(int index, BadgeInfo info, Node? criterion, bool autoRevoke, BadgeTexts texts)
{
    private readonly ConcurrentDictionary<string, BadgeInfo> _byCulture = new(StringComparer.Ordinal);

    public int Index { get; } = index;

    /// <summary>The badge as defined (default names): ids and rules read this.</summary>
    public BadgeInfo Info { get; } = info;

    /// <summary>The badge as members of <paramref name="culture"/> see it (the same instance when it has no names for any culture).</summary>
    public BadgeInfo Display(CultureInfo culture) => texts.IsEmpty ? Info : _byCulture.GetOrAdd(culture.Name, _ => Localize(culture));

    private BadgeInfo Localize(CultureInfo culture)
    {
        if (Info.Family is null)
        {
            return Info with
            {
                Name = DisplayNames.Resolve(texts.Names, Info.Name, culture),
                Description = Info.Description is null ? null : DisplayNames.Resolve(texts.Descriptions, Info.Description, culture),
            };
        }

        var level = DisplayNames.Resolve(texts.LevelNames, Info.LevelName!, culture);
        var family = DisplayNames.Resolve(texts.Names, Info.Name[..^(Info.LevelName!.Length + 3)], culture);
        return Info with
        {
            Name = $"{family} ({level})",
            LevelName = level,
            Description = Info.Description is null ? null : DisplayNames.Resolve(texts.Descriptions, Info.Description, culture),
        };
    }

    public Node? Criterion { get; } = criterion;

    public bool AutoRevoke { get; } = autoRevoke;

    /// <summary>Badges that must be held first (explicit prerequisites and the family level below).</summary>
    public int[] Requires { get; set; } = [];

    /// <summary>Badges that list this one as a prerequisite.</summary>
    public int[] Dependents { get; set; } = [];
}

/// <summary>
/// The definitions compiled for evaluation: badges in prerequisite order and an index from each activity type
/// and event type to the criteria leaves subscribed to it, so an activity touches only those.
/// </summary>
internal sealed class BadgeCatalog
{
    private readonly ConcurrentDictionary<string, BadgeInfo[]> _byCulture = new(StringComparer.Ordinal);

    public BadgeCatalog(IOptions<BadgeOptions> options, IEnumerable<IBadgeCriterion> customCriteria)
    {
        var o = options.Value;
        var custom = customCriteria.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var badges = new List<CompiledBadge>();
        var requires = new List<IEnumerable<string>>();
        var leaves = new List<(Leaf Leaf, int Badge)>();

        void Add(BadgeInfo info, BadgeCriterion? criterion, bool autoRevoke, IEnumerable<string> prerequisites, BadgeTexts texts)
        {
            var index = badges.Count;
            var node = info.ManualOnly || criterion is null ? null : Compile(criterion, custom);
            foreach (var leaf in node?.Leaves() ?? [])
            {
                leaf.Slot = leaves.Count;
                leaves.Add((leaf, index));
            }

            badges.Add(new CompiledBadge(index, info, node, autoRevoke, texts));
            requires.Add(prerequisites);
        }

        foreach (var b in o.Badges)
        {
            Add(new BadgeInfo(b.Id, b.Name, b.Description, b.ImageKey, b.Grade, null, 0, null, b.Repeatable, b.Hidden, b.ManualOnly), b.Criterion, b.AutoRevoke, b.Requires, new BadgeTexts(OptionsAnnotations.FreezeDisplayNames(b.DisplayNames), OptionsAnnotations.FreezeDisplayNames(b.Descriptions)));
        }

        foreach (var family in o.Families)
        {
            string? below = null;
            for (var i = 0; i < family.Levels.Count; i++)
            {
                var level = family.Levels[i];
                var id = LevelId(family, level, i);
                var name = LevelName(level, i);
                var grade = family.Levels.Count <= 3 ? (BadgeGrade)(i + 1) : BadgeGrade.None;
                Add(new BadgeInfo(id, $"{family.Name} ({name})", family.Description, level.ImageKey, grade, family.Id, i + 1, name, false, false, false), level.Criterion, level.AutoRevoke, below is null ? [] : [below], new BadgeTexts(OptionsAnnotations.FreezeDisplayNames(family.DisplayNames), OptionsAnnotations.FreezeDisplayNames(family.Descriptions), OptionsAnnotations.FreezeDisplayNames(level.DisplayNames)));
                below = id;
            }
        }

        var byId = badges.ToDictionary(b => b.Info.Id, StringComparer.Ordinal);
        foreach (var badge in badges)
        {
            badge.Requires = requires[badge.Index].Select(id => byId[id].Index).Distinct().ToArray();
        }

        foreach (var badge in badges)
        {
            badge.Dependents = badges.Where(b => b.Requires.Contains(badge.Index)).Select(b => b.Index).ToArray();
        }

        Badges = badges;
        ById = byId;
        Order = TopologicalOrder(badges);
        Leaves = leaves.Select(l => l.Leaf).ToArray();
        BadgeOfLeaf = leaves.Select(l => l.Badge).ToArray();
        ByActivityType = leaves
            .SelectMany(l => l.Leaf.ActivityTypes.Select(t => (Type: t, l.Leaf)))
            .GroupBy(x => x.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Leaf).ToArray(), StringComparer.Ordinal);
        ByEventType = leaves
            .SelectMany(l => l.Leaf.EventTypes.Select(t => (Type: t, l.Leaf)))
            .GroupBy(x => x.Type)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Leaf).ToArray());
        SlotsOfBadge = badges.Select(b => leaves.Where(l => l.Badge == b.Index).Select(l => l.Leaf.Slot).ToArray()).ToArray();
        OrderPosition = new int[badges.Count];
        for (var i = 0; i < Order.Length; i++)
        {
            OrderPosition[Order[i]] = i;
        }
    }

    /// <summary>Text of what shapes the fold (for the snapshot's rules check): leaves by slot, and which badge each serves.</summary>
    public string Fingerprint => string.Join(';', Leaves.Select((l, i) => $"{l.GetType().Name}:{l.Target}:{l.Unit}:{Badges[BadgeOfLeaf[i]].Info.Id}"));

    /// <summary>Each badge's leaf slots (reset after a repeatable grant).</summary>
    public int[][] SlotsOfBadge { get; }

    /// <summary>Each badge's position in <see cref="Order"/>.</summary>
    public int[] OrderPosition { get; }

    public IReadOnlyList<CompiledBadge> Badges { get; }

    /// <summary>Every badge as members of <paramref name="culture"/> see it.</summary>
    public IReadOnlyList<BadgeInfo> Display(CultureInfo culture) => _byCulture.GetOrAdd(culture.Name, _ => Badges.Select(b => b.Display(culture)).ToArray());

    public IReadOnlyDictionary<string, CompiledBadge> ById { get; }

    /// <summary>Badge indexes with every prerequisite before the badges that need it.</summary>
    public int[] Order { get; }

    public Leaf[] Leaves { get; }

    public int[] BadgeOfLeaf { get; }

    public Dictionary<string, Leaf[]> ByActivityType { get; }

    public Dictionary<Type, Leaf[]> ByEventType { get; }

    public CompiledBadge Require(string? badgeId) =>
        badgeId is not null && ById.TryGetValue(badgeId, out var badge) ? badge : throw new BadgeNotFoundException(badgeId ?? "");

    internal static string LevelId(BadgeFamily family, BadgeLevel level, int index) =>
        level.Id ?? $"{family.Id}-{LevelName(level, index).ToLowerInvariant().Replace(' ', '-')}";

    internal static string LevelName(BadgeLevel level, int index) => level.Name ?? $"Level {index + 1}";

    private static Node Compile(BadgeCriterion c, Dictionary<string, IBadgeCriterion> custom) => c.Kind switch
    {
        BadgeCriterionKind.Count => new CountLeaf(c.ActivityType!, c.AtLeast, c.Window),
        BadgeCriterionKind.Streak => new StreakLeaf(c.ActivityType!, c.AtLeast),
        BadgeCriterionKind.PointsEarned => new PointsLeaf(c.Currency!, c.AtLeast),
        BadgeCriterionKind.QualifiedReferrals => new ReferralLeaf(c.AtLeast),
        BadgeCriterionKind.Tier => new TierLeaf(c.Tiers.ToHashSet(StringComparer.Ordinal)),
        BadgeCriterionKind.Engagement => new EngagementLeaf(c.AtLeast),
        BadgeCriterionKind.DistinctValues => new DistinctLeaf(c.ActivityType!, c.Attribute ?? "event", c.AtLeast),
        BadgeCriterionKind.FirstToDo => new FirstLeaf(c.ActivityType!),
        BadgeCriterionKind.AllOf => new Composite(true, c.Of.Select(p => Compile(p, custom)).ToArray()),
        BadgeCriterionKind.AnyOf => new Composite(false, c.Of.Select(p => Compile(p, custom)).ToArray()),
        BadgeCriterionKind.Custom => new CustomLeaf(custom[c.Name!]),
        _ => throw new InvalidOperationException($"Unknown badge criterion kind {c.Kind}."),
    };

    private static int[] TopologicalOrder(List<CompiledBadge> badges)
    {
        var order = new List<int>(badges.Count);
        var state = new byte[badges.Count];

        void Visit(int i)
        {
            if (state[i] != 0)
            {
                return;
            }

            state[i] = 1;
            foreach (var r in badges[i].Requires)
            {
                Visit(r);
            }

            state[i] = 2;
            order.Add(i);
        }

        for (var i = 0; i < badges.Count; i++)
        {
            Visit(i);
        }

        return [.. order];
    }
}
