using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk;

/// <summary>
/// Returned by <see cref="CommunitySdkServiceCollectionExtensions.AddCommunitySdk(IServiceCollection)"/>; features
/// (<c>AddPoints</c>, <c>AddBadges</c>, ...) and stores (<c>UseSqlite</c>, ...) hang off it.
/// </summary>
public interface ICommunitySdkBuilder
{
    /// <summary>The service collection the SDK registers into.</summary>
    IServiceCollection Services { get; }
}

internal sealed class CommunitySdkBuilder(IServiceCollection services) : ICommunitySdkBuilder
{
    public IServiceCollection Services { get; } = services;
}
