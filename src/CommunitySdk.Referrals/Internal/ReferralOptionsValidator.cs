using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Referrals.Internal;

/// <summary>Cross-field rules of <see cref="ReferralOptions"/>, including the legal cap of three reward levels.</summary>
internal sealed class ReferralOptionsValidator(IServiceProvider services) : IValidateOptions<ReferralOptions>
{
    public ValidateOptionsResult Validate(string? name, ReferralOptions options)
    {
        var failures = new List<string>();
        OptionsAnnotations.Validate(options.Fraud, "Referrals:Fraud", failures);
        OptionsAnnotations.Validate(options.BranchHealth, "Referrals:BranchHealth", failures);
        if (options.RewardLevels is < 1 or > ReferralOptions.MaxLevels)
        {
            failures.Add($"Referrals:MaxRewardLevels must be 1 to {ReferralOptions.MaxLevels} (was {options.RewardLevels}): deeper commission chains are treated as pyramid selling in many jurisdictions.");
        }

        if (options.LevelShares.Count < Math.Min(options.RewardLevels, ReferralOptions.MaxLevels) || options.LevelShares.Any(s => s is < 0 or > 1))
        {
            failures.Add("Referrals:LevelShares needs one share between 0 and 1 per reward level.");
        }

        if (Activity.CheckName(options.QualifyingActivityType, Activity.MaxTypeLength) is { } reason)
        {
            failures.Add($"Referrals:QualifyingActivityType {reason}.");
        }

        if (options.InviterReward > 0 || options.InviteeReward > 0)
        {
            var awarder = services.GetService<IPointsAwarder>();
            if (awarder is null)
            {
                failures.Add("Referrals: rewards need the points feature; call AddPoints(...) as well, or set the rewards to 0.");
            }
            else
            {
                var currency = options.RewardCurrency ?? (awarder.Currencies.Count == 1 ? awarder.Currencies.First() : null);
                if (currency is null)
                {
                    failures.Add("Referrals:RewardCurrency is required when more than one points currency is declared.");
                }
                else if (!awarder.Currencies.Contains(currency))
                {
                    failures.Add($"Referrals:RewardCurrency '{currency}' is not a declared points currency.");
                }
            }
        }

        foreach (var (segment, policy) in options.Segments)
        {
            if (policy.Policy == InvitePolicy.OwnerOnly && policy.Owners.Count == 0)
            {
                failures.Add($"Referrals:Segments:{segment}: an owner-only segment needs at least one owner.");
            }
        }

        if (options.DefaultPolicy == InvitePolicy.OwnerOnly && options.Owners.Count == 0)
        {
            failures.Add("Referrals:Owners: an owner-only community needs at least one owner.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
