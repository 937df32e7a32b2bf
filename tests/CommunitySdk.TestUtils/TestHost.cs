using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.Testing;

/// <summary>An SDK wired in a plain service provider with a fake clock. Dispose it at the end of a test.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private TestHost(ServiceProvider services, FakeTimeProvider clock)
    {
        Services = services;
        Clock = clock;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Clock { get; }

    public ICommunity Community => Services.GetRequiredService<ICommunity>();

    public IMemberDirectory Members => Services.GetRequiredService<IMemberDirectory>();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static TestHost Create(Action<ICommunitySdkBuilder>? configure = null, Action<CommunityOptions>? options = null)
    {
        var clock = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        // Tests use many throwaway community ids: admit any (tenant tests turn this off again).
        var builder = services.AddCommunitySdk(o =>
        {
            o.AllowUndeclaredCommunities = true;
            options?.Invoke(o);
        });
        configure?.Invoke(builder);
        return new TestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), clock);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>Builds activities with sensible defaults.</summary>
public static class Activities
{
    public static readonly CommunityId A = new("community-a");
    public static readonly CommunityId B = new("community-b");

    public static Activity Make(
        string key,
        string member = "alice",
        string type = "post.created",
        CommunityId? community = null,
        decimal? value = null,
        DateTimeOffset? occurredAt = null,
        IReadOnlyDictionary<string, string>? attributes = null) => new()
        {
            IdempotencyKey = key,
            Community = community ?? A,
            Member = new MemberId(member),
            Type = type,
            Value = value,
            OccurredAt = occurredAt,
            Attributes = attributes ?? new Dictionary<string, string>(),
        };
}
