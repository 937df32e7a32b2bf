using System.Globalization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Badges.Internal;

/// <summary>
/// Start-up validation of badge definitions: every failure names the badge and the reason. Unknown activity
/// types are allowed (a badge may be defined before the host records that type).
/// </summary>
internal sealed class BadgeOptionsValidator(IEnumerable<IBadgeCriterion> customCriteria) : IValidateOptions<BadgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BadgeOptions options)
    {
        var failures = new List<string>();
        var custom = customCriteria.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var prerequisites = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        void CheckId(string id, string at)
        {
            if (Activity.CheckName(id, 64) is { } reason)
            {
                failures.Add($"{at}: Id {reason}.");
            }
            else if (!ids.Add(id))
            {
                failures.Add($"{at}: duplicate badge id '{id}'.");
            }
        }

        for (var i = 0; i < options.Badges.Count; i++)
        {
            var b = options.Badges[i];
            var at = $"Badges:Badges[{i}] '{b.Id}'";
            OptionsAnnotations.Validate(b, at, failures);
            OptionsAnnotations.ValidateDisplayNames(b.DisplayNames, at + ".DisplayNames", failures);
            OptionsAnnotations.ValidateDisplayNames(b.Descriptions, at + ".Descriptions", failures);
            CheckId(b.Id, at);
            prerequisites[b.Id] = [.. b.Requires];
            if (b.ManualOnly)
            {
                if (b.Criterion is not null)
                {
                    failures.Add($"{at}: a manual-only badge has no criterion.");
                }
            }
            else if (b.Criterion is null)
            {
                failures.Add($"{at}: Criterion is required unless ManualOnly is set.");
            }
            else
            {
                CheckCriterion(b.Criterion, at + ": Criterion", custom, failures);
            }

            if (b.Repeatable && b.AutoRevoke)
            {
                failures.Add($"{at}: a repeatable badge cannot be revoked automatically.");
            }
        }

        for (var f = 0; f < options.Families.Count; f++)
        {
            var family = options.Families[f];
            var at = $"Badges:Families[{f}] '{family.Id}'";
            OptionsAnnotations.Validate(family, at, failures);
            OptionsAnnotations.ValidateDisplayNames(family.DisplayNames, at + ".DisplayNames", failures);
            OptionsAnnotations.ValidateDisplayNames(family.Descriptions, at + ".Descriptions", failures);
            if (family.Levels.Count == 0)
            {
                failures.Add($"{at}: a family needs at least one level.");
            }

            string? below = null;
            for (var i = 0; i < family.Levels.Count; i++)
            {
                var level = family.Levels[i];
                var id = BadgeCatalog.LevelId(family, level, i);
                var levelAt = $"{at} level {i + 1} '{id}'";
                CheckId(id, levelAt);
                OptionsAnnotations.ValidateDisplayNames(level.DisplayNames, levelAt + ".DisplayNames", failures);
                prerequisites[id] = below is null ? [] : [below];
                below = id;
                if (level.Criterion is null)
                {
                    failures.Add($"{levelAt}: Criterion is required.");
                }
                else
                {
                    CheckCriterion(level.Criterion, levelAt + ": Criterion", custom, failures);
                }
            }
        }

        foreach (var (id, requires) in prerequisites)
        {
            foreach (var required in requires.Where(r => !prerequisites.ContainsKey(r)))
            {
                failures.Add($"Badges: '{id}' requires '{required}', which is not a defined badge.");
            }
        }

        if (FindCycle(prerequisites) is { } cycle)
        {
            failures.Add($"Badges: '{cycle[0]}' has cyclic prerequisites: {string.Join(" -> ", cycle)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckCriterion(BadgeCriterion c, string at, HashSet<string> custom, List<string> failures)
    {
        if (!Enum.IsDefined(c.Kind))
        {
            failures.Add($"{at}: unknown kind '{c.Kind}'.");
            return;
        }

        if (!double.IsFinite(c.AtLeast) || c.AtLeast < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{at}: AtLeast must be a finite number of at least 0 (was {c.AtLeast})."));
        }

        switch (c.Kind)
        {
            case BadgeCriterionKind.Count or BadgeCriterionKind.Streak or BadgeCriterionKind.DistinctValues or BadgeCriterionKind.FirstToDo:
                if (Activity.CheckName(c.ActivityType, Activity.MaxTypeLength) is { } reason)
                {
                    failures.Add($"{at}: ActivityType {reason}.");
                }

                if (c.Kind is BadgeCriterionKind.Count or BadgeCriterionKind.Streak or BadgeCriterionKind.DistinctValues && c.AtLeast < 1)
                {
                    failures.Add($"{at}: AtLeast must be at least 1 for {c.Kind}.");
                }

                if (c.Window is { } window && (c.Kind != BadgeCriterionKind.Count || window <= TimeSpan.Zero))
                {
                    failures.Add($"{at}: Window must be positive and is only for Count.");
                }

                if (c.Kind == BadgeCriterionKind.Count && c.Window is not null && c.AtLeast > 100_000)
                {
                    failures.Add($"{at}: a windowed Count supports at most 100000 (was {c.AtLeast}).");
                }

                break;
            case BadgeCriterionKind.PointsEarned when string.IsNullOrEmpty(c.Currency):
                failures.Add($"{at}: Currency is required for PointsEarned.");
                break;
            case BadgeCriterionKind.Tier when c.Tiers.Count == 0:
                failures.Add($"{at}: Tiers must name at least one tier.");
                break;
            case BadgeCriterionKind.AllOf or BadgeCriterionKind.AnyOf:
                if (c.Of.Count == 0)
                {
                    failures.Add($"{at}: {c.Kind} needs at least one part.");
                }

                for (var i = 0; i < c.Of.Count; i++)
                {
                    CheckCriterion(c.Of[i], $"{at}.Of[{i}]", custom, failures);
                }

                break;
            case BadgeCriterionKind.Custom when c.Name is null || !custom.Contains(c.Name):
                failures.Add($"{at}: no IBadgeCriterion named '{c.Name}' is registered (AddBadgeCriterion).");
                break;
        }
    }

    private static List<string>? FindCycle(Dictionary<string, List<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var next in graph.GetValueOrDefault(id) ?? [])
            {
                if (!graph.ContainsKey(next))
                {
                    continue;
                }

                var s = state.GetValueOrDefault(next);
                if (s == 1)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }

                if (s == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var id in graph.Keys)
        {
            if (state.GetValueOrDefault(id) == 0 && Visit(id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }
}
