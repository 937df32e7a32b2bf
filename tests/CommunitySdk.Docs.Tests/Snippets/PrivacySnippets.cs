using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommunitySdk.Docs.Tests.Snippets;

// begin-snippet: privacy-host-section
/// <summary>The shop's own data about a member (its newsletter consent), as one more section of the export.</summary>
public sealed class NewsletterSection(NewsletterConsents consents) : IMemberDataSection
{
    public string Name => "newsletter";

    public ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("subscribed", consents.IsSubscribed(context.Member));
        writer.WriteEndObject();
        return ValueTask.CompletedTask;
    }
}
// end-snippet

/// <summary>docs/privacy.md.</summary>
public static class PrivacySnippets
{
    public static void Export(WebApplication app)
    {
        // begin-snippet: privacy-export
        // A member asks for their data: the same document the admin endpoint serves, here as their own download.
        app.MapGet("/account/my-data", async (HttpContext http, IMemberDataExporter exporter) =>
        {
            var me = new MemberId(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!);
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=my-data.json";
            await exporter.ExportAsync(new CommunityId("my-shop"), me, http.Response.Body, http.RequestAborted);
        }).RequireAuthorization();
        // end-snippet
    }

    public static async Task EraseAsync(IServiceProvider services, MemberId member, CancellationToken cancellationToken)
    {
        // begin-snippet: privacy-erase
        var eraser = services.GetRequiredService<IMemberEraser>();
        var erasure = await eraser.EraseAsync(new CommunityId("my-shop"), member, "deletion request #1042", cancellationToken);
        if (erasure.Erased)
        {
            // The member's id is now erasure.Tombstone everywhere; delete the host's own data about them too.
        }
        // end-snippet
    }

    public static void FreeText(IServiceCollection services)
    {
        // begin-snippet: privacy-free-text
        services.AddCommunitySdk(o => o.Privacy.FreeTextAttributes.Add("gift_message"));
        // end-snippet
    }

    public static void HostSection(IServiceCollection services)
    {
        // begin-snippet: privacy-register-section
        services.AddSingleton<NewsletterConsents>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, NewsletterSection>());
        // end-snippet
    }
}

/// <summary>A host's consent store, as the snippet uses it.</summary>
public sealed class NewsletterConsents
{
    private readonly HashSet<MemberId> _subscribed = [];

    public bool IsSubscribed(MemberId member) => _subscribed.Contains(member);
}
