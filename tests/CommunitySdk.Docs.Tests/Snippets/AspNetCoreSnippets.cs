using CommunitySdk.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/aspnetcore.md.</summary>
public static class AspNetCoreSnippets
{
    public static WebApplication Register(WebApplicationBuilder builder)
    {
        // begin-snippet: aspnetcore-register
        builder.Services.AddCommunitySdk(o => o.Community("my-shop"))
            .AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1))
            .UseSqlite("Data Source=community.db")
            .AddAspNetCore(
                endpoints =>
                {
                    endpoints.AdminPolicy = "community-admin";
                    endpoints.AllowMemberActivity("post.created", p => p.MaxPerHour = 20);
                },
                jobs => jobs.OutboxRelayInterval = TimeSpan.FromSeconds(5));
        builder.Services.AddHealthChecks().AddCommunityStore();
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCommunityEndpoints("/api/community");   // returns the route group: add CORS, OpenAPI to it
        app.MapHealthChecks("/health");
        // end-snippet
        return app;
    }

    public static void FromConfiguration(WebApplicationBuilder builder)
    {
        // begin-snippet: aspnetcore-configuration
        var community = builder.Configuration.GetSection("Community");
        builder.Services.AddCommunitySdk(community)
            .AddPoints(community.GetSection("Points"))
            .UseSqlite(community.GetSection("Sqlite"))
            .AddAspNetCore(community.GetSection("Endpoints"), community.GetSection("Jobs"), endpoints =>
            {
                // what configuration cannot say: a member id from your own claim
                endpoints.MemberOf = user => user.FindFirst("customer_id") is { } claim ? new MemberId(claim.Value) : null;
            });
        // end-snippet
    }
}
