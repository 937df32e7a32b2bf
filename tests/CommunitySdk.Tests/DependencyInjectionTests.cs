using CommunitySdk.Storage;
using CommunitySdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommunitySdk.Tests;

public class DependencyInjectionTests
{
    private static readonly Type[] PublicServices =
    [
        typeof(ICommunity), typeof(IMemberDirectory), typeof(ICommunityReplayer), typeof(ICommunityOutbox),
        typeof(IProjectionSynchronizer), typeof(ICommunityStore), typeof(ICommunityCalendar), typeof(TimeProvider),
    ];

    [Fact]
    public void Null_arguments_are_rejected()
    {
        IServiceCollection services = null!;
        Assert.Throws<ArgumentNullException>(() => services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk((Action<CommunityOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCommunitySdk((IConfiguration)null!));
        var builder = new ServiceCollection().AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; });
        Assert.Throws<ArgumentNullException>(() => builder.UseStore(null!));
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).UseInMemoryStore());
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddReactor<ThrowingReactor>());
        Assert.Throws<ArgumentNullException>(() => ((ICommunitySdkBuilder)null!).AddProjection<CountingProjection>());
    }

    [Fact]
    public async Task The_host_keeps_its_loggers_when_the_sdk_is_added_first_and_the_sdk_logs_through_them()
    {
        var provider = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true);
        services.AddLogging(l => l.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        await using var built = services.BuildServiceProvider();

        built.GetRequiredService<ILogger<DependencyInjectionTests>>().Log(LogLevel.Information, default, "the host's own line", null, (text, _) => text);
        await built.GetRequiredService<ICommunity>().RecordAsync(Activities.Make("k1"));

        Assert.Contains(provider.Lines, l => l == $"{typeof(DependencyInjectionTests).FullName}: the host's own line");
        Assert.Contains(provider.Lines, l => l.StartsWith("CommunitySdk.Projections.ProjectionCoordinator: No snapshot of community", StringComparison.Ordinal)
            || l.StartsWith("CommunitySdk.Projections.ProjectionCoordinator: Community community-a folded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_logging_the_sdk_runs_silently()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true);
        await using var built = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Assert.Null(built.GetService<ILoggerFactory>());
        Assert.False((await built.GetRequiredService<ICommunity>().RecordAsync(Activities.Make("k1"))).IsDuplicate);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }

    [Fact]
    public void Every_service_resolves_as_a_singleton()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; });
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        foreach (var type in PublicServices)
        {
            Assert.NotNull(provider.GetRequiredService(type));
            Assert.Equal(ServiceLifetime.Singleton, services.Last(d => d.ServiceType == type).Lifetime);
            Assert.Same(provider.GetRequiredService(type), provider.GetRequiredService(type));
        }

        Assert.IsType<InMemoryCommunityStore>(provider.GetRequiredService<ICommunityStore>());
    }

    [Fact]
    public async Task Calling_twice_registers_nothing_twice()
    {
        var once = new ServiceCollection();
        once.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddReactor<ThrowingReactor>().AddProjection<CountingProjection>();
        var twice = new ServiceCollection();
        twice.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; }).AddReactor<ThrowingReactor>().AddProjection<CountingProjection>();
        twice.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.TimeZone = "UTC"; }).AddReactor<ThrowingReactor>().AddProjection<CountingProjection>();

        static IEnumerable<string> Shape(IServiceCollection s) => s
            .Where(d => !d.ServiceType.Name.StartsWith("IConfigureOptions", StringComparison.Ordinal))
            .Select(d => $"{d.ServiceType} {d.ImplementationType}");
        Assert.Equal(Shape(once), Shape(twice));

        await using var provider = twice.BuildServiceProvider();
        Assert.Equal(3, provider.GetServices<IActivityReactor>().Count()); // membership, reversal, the host's
        Assert.Single(provider.GetServices<ICommunityProjection>());
    }

    [Fact]
    public async Task Host_registrations_win_the_clock_and_any_service_can_be_replaced()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var calendar = new FixedCalendar();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<ICommunityCalendar>(calendar);
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.AllowUndeclaredCommunities = true; });
        await using var provider = services.BuildServiceProvider();

        var outcome = await provider.GetRequiredService<ICommunity>().RecordAsync(Activities.Make("k"));
        Assert.Equal(clock.GetUtcNow(), outcome.Record.RecordedAt);
        Assert.Same(calendar, provider.GetRequiredService<ICommunityCalendar>());
        Assert.True(calendar.Asked);
    }

    [Fact]
    public async Task Options_are_validated_on_start_with_clear_messages()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCommunitySdk(o =>
        {
            o.TimeZone = "Mars/Olympus_Mons";
            o.MaxClockSkew = TimeSpan.FromDays(3);
            o.Communities["shop"] = new CommunitySettings { TimeZone = "Nowhere/Else" };
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.Contains("Mars/Olympus_Mons", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Communities:shop:TimeZone", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(CommunityOptions.MaxClockSkew), StringComparison.Ordinal));
    }

    [Fact]
    public void Resolving_the_pipeline_without_a_host_also_validates()
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => { o.AllowUndeclaredCommunities = true; o.OutboxBatchSize = 0; });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICommunity>());
        Assert.Contains(ex.Failures, f => f.Contains(nameof(CommunityOptions.OutboxBatchSize), StringComparison.Ordinal));
    }

    [Fact]
    public void Options_bind_from_configuration_including_per_community_time_zones()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Community:TimeZone"] = "Asia/Shanghai",
            ["Community:AutoJoinMembers"] = "false",
            ["Community:Communities:paris-club:TimeZone"] = "Europe/Paris",
        }).Build();
        var services = new ServiceCollection();
        services.AddCommunitySdk(configuration.GetSection(CommunityOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<CommunityOptions>>().Value;
        Assert.False(options.AutoJoinMembers);
        var calendar = provider.GetRequiredService<ICommunityCalendar>();
        Assert.Equal(TimeSpan.FromHours(8), calendar.GetTimeZone(new CommunityId("any")).BaseUtcOffset);
        Assert.Equal(TimeSpan.FromHours(1), calendar.GetTimeZone(new CommunityId("paris-club")).BaseUtcOffset);
    }

    private sealed class FixedCalendar : ICommunityCalendar
    {
        public bool Asked { get; private set; }

        public TimeZoneInfo GetTimeZone(CommunityId community)
        {
            Asked = true;
            return TimeZoneInfo.Utc;
        }
    }
}
