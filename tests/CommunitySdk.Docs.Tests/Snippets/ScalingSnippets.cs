using CommunitySdk.Badges;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/scaling.md.</summary>
public static class ScalingSnippets
{
    public static void OneProcess(IServiceCollection services, IConfiguration configuration)
    {
        // begin-snippet: scaling-one-process
        var community = configuration.GetSection("Community");
        services.AddCommunitySdk(community)
                .AddPoints(community.GetSection("Points")).AddBadges(community.GetSection("Badges"))
                .AddReferrals(community.GetSection("Referrals")).AddScoring(community.GetSection("Scoring"))
                .UseSqlite("Data Source=community.db");
        // end-snippet
    }

    public static void ManyInstances(IServiceCollection services, IConfiguration configuration)
    {
        var community = configuration.GetSection("Community");
        // begin-snippet: scaling-many-instances
        services.AddCommunitySdk(community)
                .AddPoints(community.GetSection("Points")).AddBadges(community.GetSection("Badges"))
                .AddReferrals(community.GetSection("Referrals")).AddScoring(community.GetSection("Scoring"))
                .UsePostgreSql(configuration.GetConnectionString("Community")!)
                .UseRedisLeaderboards(configuration.GetConnectionString("Redis")!); // ranks with the scoring half-life
        // end-snippet
    }
}
