using CommunitySdk.AspNetCore;
using CommunitySdk.AspNetCore.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using CommunitySdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASP.NET Core integration.</summary>
public static class AspNetCoreBuilderExtensions
{
    /// <summary>
    /// Adds what <c>app.MapCommunityEndpoints()</c> needs (endpoint options, ProblemDetails) and the hosted
    /// background jobs (<see cref="CommunityBackgroundJobs"/>).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="endpoints">Authorization and member resolution of the endpoints.</param>
    /// <param name="jobs">Intervals of the background jobs (set one to zero to turn it off).</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddAspNetCore(this ICommunitySdkBuilder builder, Action<CommunityEndpointOptions>? endpoints = null, Action<CommunityJobOptions>? jobs = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpointOptions = builder.Services.AddOptions<CommunityEndpointOptions>().ValidateOnStart();
        if (!builder.Services.Any(d => d.ServiceType == typeof(MemberActivityGate)))
        {
            builder.AddKnownActivityTypes(sp => sp.GetRequiredService<IOptions<CommunityEndpointOptions>>().Value.MemberActivityTypes.Keys);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommunityEndpointOptions>, CommunityEndpointOptionsValidator>());
        if (endpoints is not null)
        {
            endpointOptions.Configure(endpoints);
        }

        var jobOptions = builder.Services.AddOptions<CommunityJobOptions>()
            .Validate(o => o.OutboxRelayInterval >= TimeSpan.Zero && o.ExpirySweepInterval >= TimeSpan.Zero && o.TierReviewInterval >= TimeSpan.Zero, "CommunityJobOptions intervals must not be negative.")
            .Validate(o => o.Communities.All(c => CommunityId.TryCreate(c, out _)), "CommunityJobOptions.Communities must hold valid community ids.")
            .ValidateOnStart();
        if (jobs is not null)
        {
            jobOptions.Configure(jobs);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddAuthorization(); // the endpoints evaluate policies themselves (ProblemDetails on 401/403)
        builder.Services.TryAddSingleton<MemberActivityGate>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, CommunityBackgroundJobs>());
        return builder;
    }

    /// <summary>Adds <see cref="CommunityStoreHealthCheck"/> (tags <c>community</c>, <c>ready</c>).</summary>
    /// <param name="healthChecks">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>community-store</c>.</param>
    /// <param name="failureStatus">The status when the store fails. Default unhealthy.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCommunityStore(this IHealthChecksBuilder healthChecks, string name = "community-store", HealthStatus? failureStatus = null)
    {
        ArgumentNullException.ThrowIfNull(healthChecks);
        return healthChecks.AddCheck<CommunityStoreHealthCheck>(name, failureStatus, ["community", "ready"]);
    }
}
