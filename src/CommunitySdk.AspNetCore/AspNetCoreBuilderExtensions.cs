using System.Diagnostics.CodeAnalysis;
using CommunitySdk;
using CommunitySdk.AspNetCore;
using CommunitySdk.AspNetCore.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

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
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The configuration overloads take sections, not delegates: no call can bind to the wrong one.")]
    public static ICommunitySdkBuilder AddAspNetCore(this ICommunitySdkBuilder builder, Action<CommunityEndpointOptions>? endpoints = null, Action<CommunityJobOptions>? jobs = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddAspNetCoreCore(endpoints, jobs);
    }

    /// <summary>
    /// Adds the endpoints and background jobs with their options bound from configuration (conventionally
    /// <c>Community:Endpoints</c> and <c>Community:Jobs</c>); see the overload with <c>configure</c> for what only code
    /// can set.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="endpoints">The endpoints' configuration section.</param>
    /// <param name="jobs">The jobs' configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddAspNetCore(this ICommunitySdkBuilder builder, IConfiguration endpoints, IConfiguration jobs) =>
        builder.AddAspNetCore(endpoints, jobs, null);

    /// <summary>
    /// Adds the endpoints and background jobs with <see cref="CommunityEndpointOptions"/> and
    /// <see cref="CommunityJobOptions"/> bound from configuration (conventionally <c>Community:Endpoints</c> and
    /// <c>Community:Jobs</c>): policies, member activity types with their bounds, limits and intervals. What only code
    /// can say (<c>MemberOf</c>, <c>CanAccessCommunity</c>, <c>CanAdministerCommunity</c>) is set with
    /// <paramref name="configure"/>. A key the options do not have fails the host at start.
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="endpoints">The endpoints' configuration section.</param>
    /// <param name="jobs">The jobs' configuration section.</param>
    /// <param name="configure">Sets what configuration cannot, after binding.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddAspNetCore(this ICommunitySdkBuilder builder, IConfiguration endpoints, IConfiguration jobs, Action<CommunityEndpointOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(jobs);
        builder.Services.Configure<CommunityEndpointOptions>(endpoints);
        builder.Services.AddOptions<CommunityEndpointOptions>().ValidateConfigurationKeys(endpoints);
        builder.Services.Configure<CommunityJobOptions>(jobs);
        builder.Services.AddOptions<CommunityJobOptions>().ValidateConfigurationKeys(jobs);

        return builder.AddAspNetCoreCore(configure, null);
    }

    private static ICommunitySdkBuilder AddAspNetCoreCore(this ICommunitySdkBuilder builder, Action<CommunityEndpointOptions>? endpoints, Action<CommunityJobOptions>? jobs)
    {
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
            .Validate(o => o.OutboxRelayInterval >= TimeSpan.Zero && o.ExpirySweepInterval >= TimeSpan.Zero && o.TierReviewInterval >= TimeSpan.Zero && o.RetentionInterval >= TimeSpan.Zero, "CommunityJobOptions intervals must not be negative.")
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
