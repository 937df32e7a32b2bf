using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.AspNetCore.Tests.Docs;

/// <summary>
/// docs/configuration.md is checked against the options types: every key a section binds (a property's name, or its
/// <see cref="ConfigurationKeyNameAttribute"/>) is in the page under its type's heading, and every key the page lists
/// exists. A full appsettings file binds; unknown keys and invalid values fail the start with every problem named.
/// </summary>
public partial class ConfigurationReferenceTests
{
    private static readonly Type[] Roots = [typeof(CommunityOptions), typeof(PointsOptions), typeof(ReferralOptions), typeof(BadgeOptions), typeof(ScoringOptions)];

    [Fact]
    public void The_reference_page_lists_exactly_the_keys_the_options_bind()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
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
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "docs", "appsettings.example.json")).Build();
        var services = new ServiceCollection();
        services.AddCommunitySdk(configuration.GetSection(CommunityOptions.SectionName))
            .AddPoints(configuration.GetSection(PointsOptions.SectionName))
            .AddReferrals(configuration.GetSection(ReferralOptions.SectionName))
            .AddBadges(configuration.GetSection(BadgeOptions.SectionName))
            .AddScoring(configuration.GetSection(ScoringOptions.SectionName));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Equal(TimeSpan.FromDays(14), provider.GetRequiredService<IOptions<ScoringOptions>>().Value.HalfLifeTime);
        Assert.Equal(2, provider.GetRequiredService<IOptions<ReferralOptions>>().Value.RewardLevels);
        Assert.Equal("regular", Assert.Single(provider.GetRequiredService<IOptions<ScoringOptions>>().Value.Tiers, t => t.Requirements.Count > 0).Name);
        var shop = new CommunityId("my-shop");
        var outcome = await provider.GetRequiredService<ICommunity>().RecordAsync(new Activity
        {
            IdempotencyKey = "order-1", Community = shop, Member = new MemberId("ann"), Type = "order.completed", Value = 40,
        });
        Assert.Contains(outcome.Effects, e => e is PointsAwarded { Currency: "coins", Amount: 4 });
        Assert.Contains(outcome.Effects, e => e is BadgeEarned { BadgeId: "first-order" });
        Assert.Equal("ann", Assert.Single(await provider.GetRequiredService<IScoringService>().TopAsync(shop, new LeaderboardKey(LeaderboardKind.Score), 10)).Member.Value);
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
            if (property.GetIndexParameters().Length > 0 || !(settable || collection || nested))
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

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CommunitySdk.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CommunitySdk.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"^### (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Headings();

    [GeneratedRegex(@"^\| `(\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex Rows();
}
