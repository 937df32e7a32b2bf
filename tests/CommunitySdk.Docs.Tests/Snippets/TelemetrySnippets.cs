using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CommunitySdk.Docs.Tests.Snippets;

/// <summary>docs/telemetry.md.</summary>
public static class TelemetrySnippets
{
    public static void Register(WebApplicationBuilder builder)
    {
        // begin-snippet: telemetry-register
        builder.Services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter(CommunityDiagnostics.MeterName))               // "CommunitySdk"
            .WithTracing(t => t.AddSource(CommunityDiagnostics.ActivitySourceName));   // "CommunitySdk"
        // end-snippet
    }
}
