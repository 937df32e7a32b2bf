using System.Reflection;
using Xunit;

namespace CommunitySdk.Testing;

/// <summary>Marks an abstract class of this package as a conformance suite every provider must run or skip.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConformanceSuiteAttribute : Attribute;

/// <summary>Declares, on a provider's test assembly, a suite the provider does not run and why.</summary>
/// <param name="suite">The suite.</param>
/// <param name="reason">Why it does not apply (required, not empty).</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ConformanceSkipAttribute(Type suite, string reason) : Attribute
{
    /// <summary>The suite.</summary>
    public Type Suite { get; } = suite;

    /// <summary>Why it does not apply.</summary>
    public string Reason { get; } = reason;
}

/// <summary>The completeness check.</summary>
public static class ConformanceSuites
{
    /// <summary>Every conformance suite of this package.</summary>
    public static IReadOnlyList<Type> All { get; } = typeof(ConformanceSuites).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<ConformanceSuiteAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// Fails unless the provider's test assembly subclasses every suite, or skips it with a stated reason.
    /// </summary>
    /// <param name="providerTests">The provider's test assembly.</param>
    public static void AssertComplete(Assembly providerTests)
    {
        ArgumentNullException.ThrowIfNull(providerTests);
        var runs = providerTests.GetTypes().Where(t => !t.IsAbstract).ToArray();
        var skips = providerTests.GetCustomAttributes<ConformanceSkipAttribute>().ToArray();
        var missing = new List<string>();
        foreach (var suite in All)
        {
            var run = runs.Any(t => suite.IsAssignableFrom(t));
            var skip = skips.FirstOrDefault(s => s.Suite == suite);
            if (run && skip is not null)
            {
                missing.Add($"{suite.Name} is both run and skipped");
            }
            else if (!run && skip is null)
            {
                missing.Add($"{suite.Name} is neither run nor skipped");
            }
            else if (!run && string.IsNullOrWhiteSpace(skip!.Reason))
            {
                missing.Add($"{suite.Name} is skipped without a reason");
            }
        }

        Assert.True(missing.Count == 0, $"{providerTests.GetName().Name}: {string.Join("; ", missing)}.");
    }
}
