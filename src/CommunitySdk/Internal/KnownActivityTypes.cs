using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Internal;

/// <summary>One feature's activity types (see <see cref="CommunitySdkBuilderExtensions.AddKnownActivityTypes"/>).</summary>
internal sealed record KnownActivityTypeSource(Func<IServiceProvider, IEnumerable<string>> Read);

/// <summary>The union of every registered source, read once.</summary>
internal sealed class KnownActivityTypes(IServiceProvider services) : IKnownActivityTypes
{
    private readonly Lazy<HashSet<string>> _types = new(() =>
        services.GetServices<KnownActivityTypeSource>().SelectMany(s => s.Read(services)).Where(t => !string.IsNullOrEmpty(t)).ToHashSet(StringComparer.Ordinal));

    public bool IsKnown(string activityType) => _types.Value.Contains(activityType);
}
