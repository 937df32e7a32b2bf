using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/configuration.md.</summary>
public static class ConfigurationSnippets
{
    public static void Bind(WebApplicationBuilder builder)
    {
        // begin-snippet: configuration-bind
        var community = builder.Configuration.GetSection(CommunityOptions.SectionName);
        builder.Services.AddCommunitySdk(community)
            .AddPoints(community.GetSection("Points"))
            .AddReferrals(community.GetSection("Referrals"))
            .AddBadges(community.GetSection("Badges"))
            .AddScoring(community.GetSection("Scoring"))
            .AddContests(community.GetSection("Contests"))
            .UseSqlite(community.GetSection("Sqlite"))          // or UsePostgreSql(community.GetSection("PostgreSql"))
            .AddAspNetCore(community.GetSection("Endpoints"), community.GetSection("Jobs"));
        // end-snippet
    }
}
