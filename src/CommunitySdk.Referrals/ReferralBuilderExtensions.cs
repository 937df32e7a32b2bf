using CommunitySdk;
using CommunitySdk.Referrals;
using CommunitySdk.Referrals.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the referral feature to the SDK.</summary>
public static class ReferralBuilderExtensions
{
    /// <summary>
    /// Adds referrals: <see cref="IReferralService"/>, <see cref="IInviteGraph"/> and the referral reactor
    /// (order 300). Rewards are paid through the points feature (<c>AddPoints</c>).
    /// </summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configure">Rewards, windows, fraud rules, policies.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddReferrals(this ICommunitySdkBuilder builder, Action<ReferralOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddReferralsCore();
    }

    /// <summary>Adds referrals configured from a configuration section (conventionally <c>Community:Referrals</c>). Keys are the
    /// property names (see docs/configuration.md); a key the options do not have fails the host at start, so a misspelt
    /// setting never goes unnoticed.</summary>
    /// <param name="builder">The SDK builder.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The builder.</returns>
    public static ICommunitySdkBuilder AddReferrals(this ICommunitySdkBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<ReferralOptions>(configuration);
        builder.Services.AddOptions<ReferralOptions>().ValidateConfigurationKeys(configuration);
        return builder.AddReferralsCore();
    }

    private static ICommunitySdkBuilder AddReferralsCore(this ICommunitySdkBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(ReferralService)))
        {
            services.AddOptions<ReferralOptions>().ValidateDataAnnotations().ValidateOnStart();
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReferralOptions>, ReferralOptionsValidator>());
        services.TryAddSingleton<ReferralService>();
        services.TryAddSingleton<IReferralService>(sp => sp.GetRequiredService<ReferralService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemberDataSection, ReferralsDataSection>());
        services.TryAddSingleton<IInviteGraph>(sp => sp.GetRequiredService<ReferralService>());
        builder.AddProjection<ReferralProjection>();
        builder.AddReactor<ReferralReactor>();
        builder.AddCommandTypes("referral.", ReferralActivityTypes.Ban);
        builder.AddEventType<ReferralCodeCreated>("referral.code-created");
        builder.AddEventType<ReferralCodeStatusChanged>("referral.code-status-changed");
        builder.AddEventType<ReferralClicked>("referral.clicked");
        builder.AddEventType<ReferralJoined>("referral.joined");
        builder.AddEventType<ReferralQualified>("referral.qualified");
        builder.AddEventType<ReferralHeld>("referral.held");
        builder.AddEventType<ReferralRewarded>("referral.rewarded");
        builder.AddEventType<ReferralRejected>("referral.rejected");
        builder.AddEventType<ReferralReversed>("referral.reversed");
        builder.AddEventType<MemberBanned>("referral.member-banned");
        builder.AddEventType<InvitingSuspended>("referral.inviting-suspended");
        return builder;
    }
}
