using System.Globalization;
using CommunitySdk.Badges;
using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Contests.Internal;

/// <summary>Cross-field rules of <see cref="ContestOptions"/>: ids, schedules, prizes in a declared currency, honours that exist.</summary>
internal sealed class ContestOptionsValidator(IServiceProvider services) : IValidateOptions<ContestOptions>
{
    public const int MaxBriefLength = 4_000;

    public ValidateOptionsResult Validate(string? name, ContestOptions options)
    {
        var failures = new List<string>();
        OptionsAnnotations.Validate(options.Fraud, "Contests:Fraud", failures);
        foreach (var (tier, weight) in options.TierWeights)
        {
            if (!(weight > 0 && weight <= 100))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"Contests:TierWeights:{tier} must be above 0 and at most 100 (was {weight})."));
            }
        }

        foreach (var (id, contest) in options.Contests)
        {
            var path = $"Contests:Contests:{id}";
            if (Activity.CheckName(id, 64) is { } bad)
            {
                failures.Add($"{path}: the contest id {bad}.");
            }

            OptionsAnnotations.Validate(contest, path, failures);
            if (string.IsNullOrWhiteSpace(contest.Title) || contest.Title.Length > ContestReactor.MaxTitleLength)
            {
                failures.Add($"{path}:Title must be 1 to {ContestReactor.MaxTitleLength} characters.");
            }

            if (contest.Brief is { Length: > MaxBriefLength })
            {
                failures.Add($"{path}:Brief must be at most {MaxBriefLength} characters.");
            }

            OptionsAnnotations.ValidateDisplayNames(contest.DisplayNames, $"{path}:DisplayNames", failures);
            foreach (var (culture, brief) in contest.Briefs)
            {
                if (string.IsNullOrWhiteSpace(culture) || string.IsNullOrWhiteSpace(brief) || brief.Length > MaxBriefLength)
                {
                    failures.Add($"{path}:Briefs[{culture}]: a culture name and a brief of 1 to {MaxBriefLength} characters are required.");
                }
            }

            if (!(contest.SubmissionStartsAt < contest.VotingStartsAt && contest.VotingStartsAt < contest.VotingEndsAt))
            {
                failures.Add($"{path}: the phases must be in order: SubmissionStartsAt < VotingStartsAt < VotingEndsAt.");
            }

            if (contest.Community is { } community && !CommunityId.TryCreate(community, out _))
            {
                failures.Add($"{path}:Community is not a community id.");
            }

            if (contest.EligibleTiers.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{path}:EligibleTiers has an empty tier name.");
            }

            if (contest.Prizes.Count > contest.Winners || contest.Prizes.Any(p => p < 0))
            {
                failures.Add($"{path}:Prizes needs at most one non-negative amount per winner (Winners is {contest.Winners}).");
            }

            if (contest.Prizes.Any(p => p > 0))
            {
                var awarder = services.GetService<IPointsAwarder>();
                if (awarder is null)
                {
                    failures.Add($"{path}:Prizes need the points feature; call AddPoints(...) as well.");
                }
                else if (contest.PrizeCurrency is null || !awarder.Currencies.Contains(contest.PrizeCurrency))
                {
                    failures.Add($"{path}:PrizeCurrency must be a declared points currency (was '{contest.PrizeCurrency}').");
                }
            }

            if (contest.HonourBadge is { } badge)
            {
                var badges = services.GetService<IBadgeService>();
                if (badges is null)
                {
                    failures.Add($"{path}:HonourBadge needs the badges feature; call AddBadges(...) as well.");
                }
                else if (!badges.Definitions.Any(b => b.Id == badge))
                {
                    failures.Add($"{path}:HonourBadge '{badge}' is not a defined badge.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
