using CommunitySdk.AspNetCore;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/security.md.</summary>
public static class SecuritySnippets
{
    public static void MemberTypes(ICommunitySdkBuilder builder)
    {
        // begin-snippet: security-member-types
        builder.AddAspNetCore(e =>
        {
            e.AllowMemberActivity("post.created", p => { p.Allow("subject"); p.MaxPerHour = 20; });
            e.AllowMemberActivity("review.rated", p => p.MaxValue = 5);   // a value 0..5; no attributes
        });
        // end-snippet
    }

    public static WebApplication Setup(WebApplicationBuilder builder)
    {
        // begin-snippet: security-setup
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization(o => o.AddPolicy("community-admin", p => p.RequireRole("admin")));

        // One per-user limit for member writes; refusals are 429 ProblemDetails with Retry-After.
        builder.Services.AddRateLimiter(o => o.AddCommunityMemberPolicy("community-writes", permitsPerWindow: 30));

        builder.Services.AddCommunitySdk(o => o.Community("my-shop"))
            .AddPoints(p => p.Currency("coins").Rule("order.completed", perUnit: 1))
            .UseSqlite("Data Source=community.db")
            .AddAspNetCore(e =>
            {
                e.AdminPolicy = "community-admin";
                e.CanAdministerCommunity = (http, community) => http.User.HasClaim("community-admin", community.Value);
                e.MemberWriteRateLimitPolicy = "community-writes";
                e.AllowMemberActivity("product.viewed", p => { p.Allow("product"); p.MaxPerHour = 60; });
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapCommunityEndpoints();
        // end-snippet
        return app;
    }
}
