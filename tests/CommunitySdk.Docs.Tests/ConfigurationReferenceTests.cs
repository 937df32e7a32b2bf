using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using CommunitySdk.AspNetCore;
using CommunitySdk.Badges;
using CommunitySdk.Contests;
using CommunitySdk.Leaderboards.Redis;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using CommunitySdk.Storage.PostgreSql;
using CommunitySdk.Storage.Sqlite;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Docs.Tests;

/// <summary>
/// docs/configuration.md is checked against the options types: every key a section binds (a property's name, or its
/// <see cref="ConfigurationKeyNameAttribute"/>) is in the page under its type's heading, and every key the page lists
/// exists. A full appsettings file binds; unknown keys and invalid values fail the start with every problem named.
/// </summary>
public partial class ConfigurationReferenceTests
{
    private static readonly Type[] Roots =
    [
        typeof(CommunityOptions), typeof(PointsOptions), typeof(ReferralOptions), typeof(BadgeOptions), typeof(ScoringOptions), typeof(ContestOptions),
        typeof(SqliteStoreOptions), typeof(PostgreSqlStoreOptions), typeof(RedisLeaderboardOptions),
        typeof(CommunityEndpointOptions), typeof(CommunityJobOptions),
    ];

    [Fact]
    public void The_reference_page_lists_exactly_the_keys_the_options_bind()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));
        var sections = Headings().Split(page).Skip(1).Chunk(2).ToDictionary(c => c[0].Trim(), c => c[1]);
        var expected = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var root in Roots)
        {
            Walk(root, expected);
        }

        var problems = new List<string>();
        foreach (var (type, keys) in expected)
        {
            if (!sections.TryGetValue(type, out var section))
            {
                problems.Add($"no '### {type}' section");
                continue;
            }

            var listed = Rows().Matches(section).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(keys.Except(listed).Select(k => $"{type}: '{k}' is not listed"));
            problems.AddRange(listed.Except(keys).Select(k => $"{type}: '{k}' is listed but does not bind"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_full_appsettings_file_configures_every_feature_and_the_host_answers()
    {
        using var folder = new TemporaryFolder();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Repository.Root, "docs", "appsettings.example.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Community:Sqlite:ConnectionString"] = $"Data Source={folder.File("community.db")}" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging().AddRouting(); // what a web host has
        services.AddCommunitySdk(configuration.GetSection(CommunityOptions.SectionName))
            .AddPoints(configuration.GetSection(PointsOptions.SectionName))
            .AddReferrals(configuration.GetSection(ReferralOptions.SectionName))
            .AddBadges(configuration.GetSection(BadgeOptions.SectionName))
            .AddScoring(configuration.GetSection(ScoringOptions.SectionName))
            .AddContests(configuration.GetSection(ContestOptions.SectionName))
            .UseSqlite(configuration.GetSection(SqliteStoreOptions.SectionName))
            .AddAspNetCore(configuration.GetSection(CommunityEndpointOptions.SectionName), configuration.GetSection(CommunityJobOptions.SectionName));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var endpoints = provider.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value;
        Assert.Equal("community-admin", endpoints.AdminPolicy);
        Assert.Equal(50, endpoints.MaxLeaderboardCount);
        Assert.Equal(20, endpoints.MemberActivityTypes["post.created"].MaxPerHour);
        Assert.Equal(["subject"], endpoints.MemberActivityTypes["post.created"].Attributes);
        Assert.Equal(5m, endpoints.MemberActivityTypes["review.rated"].MaxValue);
        Assert.Equal(TimeSpan.FromDays(1), provider.GetRequiredService<IOptions<CommunityJobOptions>>().Value.TierReviewInterval);
        Assert.IsType<SqliteCommunityStore>(provider.GetRequiredService<Storage.ICommunityStore>());

        Assert.Equal(TimeSpan.FromDays(14), provider.GetRequiredService<IOptions<ScoringOptions>>().Value.HalfLifeTime);
        Assert.Equal(2, provider.GetRequiredService<IOptions<ReferralOptions>>().Value.RewardLevels);
        Assert.Equal("regular", Assert.Single(provider.GetRequiredService<IOptions<ScoringOptions>>().Value.Tiers, t => t.Requirements.Count > 0).Name);
        var washer = provider.GetRequiredService<IOptions<ContestOptions>>().Value.Contests["quiet-washer"];
        Assert.Equal((VotingMode.LimitedPerContest, new DateTime(2027, 3, 22, 21, 0, 0), 4), (washer.Voting, washer.VotingEndsAt, washer.Prizes.Count));
        var shop = new CommunityId("my-shop");
        var outcome = await provider.GetRequiredService<ICommunity>().RecordAsync(new Activity
        {
            IdempotencyKey = "order-1", Community = shop, Member = new MemberId("ann"), Type = "order.completed", Value = 40,
        });
        Assert.Contains(outcome.Effects, e => e is PointsAwarded { Currency: "coins", Amount: 4 });
        Assert.Contains(outcome.Effects, e => e is BadgeEarned { BadgeId: "first-order" });
        Assert.Equal(ContestPhase.Upcoming, (await provider.GetRequiredService<IContestService>().GetAsync(shop, "quiet-washer")).Phase);
        Assert.Equal("ann", Assert.Single(await provider.GetRequiredService<IScoringService>().TopAsync(shop, new LeaderboardKey(LeaderboardKind.Score), 10)).Member.Value);
        Assert.True(File.Exists(folder.File("community.db"))); // the store bound from configuration is the one written
    }

    [Fact]
    public void Store_and_endpoint_sections_report_every_bad_key_and_missing_value_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Community:Sqlite:ConnectionStrin"] = "Data Source=x.db", // misspelt: ConnectionString stays empty
            ["Community:Sqlite:BusyTimeout"] = "02:00:00",
            ["Community:Endpoints:AdminPolcy"] = "admin",
            ["Community:Jobs:OutboxRelayInterval"] = "-00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .UseSqlite(configuration.GetSection(SqliteStoreOptions.SectionName))
            .AddAspNetCore(configuration.GetSection(CommunityEndpointOptions.SectionName), configuration.GetSection(CommunityJobOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = error.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains("Community:Sqlite:ConnectionStrin: SqliteStoreOptions has no setting 'ConnectionStrin'.", failures);
        Assert.Contains(failures, f => f.Contains("SqliteStoreOptions.ConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("SqliteStoreOptions.BusyTimeout must be between 0 and 1 hour", StringComparison.Ordinal));
        Assert.Contains("Community:Endpoints:AdminPolcy: CommunityEndpointOptions has no setting 'AdminPolcy'.", failures);
        Assert.Contains(failures, f => f.Contains("intervals must not be negative", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_keys_and_invalid_values_are_all_reported_at_start_with_their_paths()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Community:AllowUndeclaredCommunities"] = "true",
            ["Community:Snapshots:Every"] = "10", // EveryActivities
            ["Community:Referrals:RewardLevels"] = "2", // the key is MaxRewardLevels, as the fluent method
            ["Community:Scoring:HalfLife"] = "00:00:01",
            ["Community:Scoring:CohortSize"] = "0",
            ["Community:Scoring:Tiers:0:Name"] = "new",
            ["Community:Scoring:Tiers:1:Name"] = "regular",
            ["Community:Scoring:Tiers:1:Requirements:0:ActivityTyp"] = "visit",
        }).Build();
        var services = new ServiceCollection();
        services.AddCommunitySdk(configuration.GetSection(CommunityOptions.SectionName))
            .AddReferrals(configuration.GetSection(ReferralOptions.SectionName))
            .AddScoring(configuration.GetSection(ScoringOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = error.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains("Community:Snapshots:Every: SnapshotOptions has no setting 'Every'.", failures);
        Assert.Contains("Community:Referrals:RewardLevels: ReferralOptions has no setting 'RewardLevels'.", failures);
        Assert.Contains("Community:Scoring:Tiers:1:Requirements:0:ActivityTyp: TierRequirement has no setting 'ActivityTyp'.", failures);
        Assert.Contains(failures, f => f.Contains("HalfLife", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CohortSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Scoring:Tiers[1]:Requirements[0]: set exactly one of Minimum", StringComparison.Ordinal));
    }

    /// <summary>Every key a type binds, and the SDK types it leads to (nested options, list and dictionary items).</summary>
    private static void Walk(Type type, SortedDictionary<string, SortedSet<string>> into)
    {
        if (into.ContainsKey(type.Name))
        {
            return;
        }

        var keys = into[type.Name] = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var settable = property.SetMethod?.IsPublic == true;
            var collection = property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType);
            var nested = IsSdkType(property.PropertyType) && property.PropertyType.IsClass;
            var code = typeof(Delegate).IsAssignableFrom(property.PropertyType); // MemberOf, CanAccessCommunity: set in code only
            if (property.GetIndexParameters().Length > 0 || code || !(settable || collection || nested))
            {
                continue;
            }

            keys.Add(property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name);
            foreach (var reached in property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments() : [property.PropertyType])
            {
                if (IsSdkType(reached) && reached.IsClass)
                {
                    Walk(reached, into);
                }
            }
        }
    }

    private static bool IsSdkType(Type type) => type.Namespace?.StartsWith("CommunitySdk", StringComparison.Ordinal) == true;

    [GeneratedRegex(@"^### (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Headings();

    [GeneratedRegex(@"^\| `(\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex Rows();
}

/// <summary>A folder under the temporary path, deleted with everything in it.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("communitysdk-docs-");

    public string File(string name) => Path.Combine(_directory.FullName, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
