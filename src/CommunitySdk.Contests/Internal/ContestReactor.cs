using System.Globalization;
using CommunitySdk.Points;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Contests.Internal;

/// <summary>
/// The contest reactor (order 500): every contest rule — phases, eligibility, entry limits, moderation, vote budgets,
/// the fraud rules that hold votes, shortlists and results — decided against the folded state, with a typed error
/// naming the field for anything refused (nothing is written then).
/// </summary>
internal sealed class ContestReactor(ContestProjection projection, IOptions<ContestOptions> options, IServiceProvider services) : IActivityReactor
{
    public const int ReactorOrder = 500;
    public const int MaxTitleLength = 120;
    public const int MaxReasonLength = 200;
    public const int MaxCoAuthors = 3;
    public const int MaxPicks = 20;

    private readonly IPointsAwarder? _awarder = services.GetService<IPointsAwarder>();

    public int Order => ReactorOrder;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var type = context.Activity.Type;
        if (!type.StartsWith("contest.", StringComparison.Ordinal))
        {
            return ValueTask.CompletedTask;
        }

        var state = projection.Of(context);
        var members = CommunityMembers.Of(context);
        var id = context.Activity.GetRequiredString("contest");
        var definition = projection.Definition(context.Community, id);
        state.Contests.TryGetValue(id, out var contest);
        var schedule = projection.Schedule(context.Community, definition);
        var phase = ContestProjection.Phase(schedule, contest, context.EffectiveTime);
        contest ??= new ContestState(id); // read-only here: the fold creates the live one
        switch (type)
        {
            case ContestActivityTypes.Submit: Submit(context, state, contest, definition, schedule.Submission, phase, members); break;
            case ContestActivityTypes.Edit: Edit(context, contest, phase, members); break;
            case ContestActivityTypes.Withdraw: Withdraw(context, contest, phase, members); break;
            case ContestActivityTypes.Moderate: Moderate(context, contest, phase); break;
            case ContestActivityTypes.Vote: Vote(context, state, contest, definition, schedule.Submission, phase, members); break;
            case ContestActivityTypes.Unvote: Unvote(context, contest, phase, members); break;
            case ContestActivityTypes.Report: Report(context, contest, phase, members); break;
            case ContestActivityTypes.ReviewVotes: Review(context, contest, phase, members); break;
            case ContestActivityTypes.Shortlist: Shortlist(context, contest, phase); break;
            case ContestActivityTypes.Finish: Finish(context, contest, definition, phase, members); break;
            default: throw new CommunityValidationException("activity.type", $"'{type}' is not a contest command");
        }

        return ValueTask.CompletedTask;
    }

    private void Submit(ActivityContext context, CommunityContests state, ContestState contest, ContestDefinition definition, DateTimeOffset start, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Submission, "is not open for entries");
        var a = context.Activity;
        var title = Title(a);
        var me = members.IndexOf(context.Member);
        if (Ineligible(state, definition, members, me, start) is { } reason)
        {
            throw new CommunityValidationException("member", $"may not enter this contest: {reason}");
        }

        var live = me >= 0 ? contest.EntriesBy.GetValueOrDefault(me) : 0;
        if (live >= definition.MaxEntriesPerMember)
        {
            throw new CommunityValidationException("member", string.Create(CultureInfo.InvariantCulture, $"already has {live} entr{(live == 1 ? "y" : "ies")} in this contest (the limit)"));
        }

        if (contest.Entries.Count >= options.Value.MaxEntriesPerContest)
        {
            throw new CommunityLimitExceededException("ContestOptions.MaxEntriesPerContest", options.Value.MaxEntriesPerContest, $"Contest '{contest.Id}' already has {contest.Entries.Count} entries");
        }

        var coAuthors = new List<MemberId>();
        for (var i = 1; i <= MaxCoAuthors; i++)
        {
            if (a.GetMemberId($"coauthor{i}") is not { } co)
            {
                continue;
            }

            var index = members.IndexOf(co);
            if (index < 0 || !members.IsJoined(index))
            {
                throw new CommunityValidationException($"coauthor{i}", "is not a member of the community");
            }

            if (co == context.Member || coAuthors.Contains(co))
            {
                throw new CommunityValidationException($"coauthor{i}", "is the author or already a co-author");
            }

            coAuthors.Add(co);
        }

        context.Emit(new EntrySubmitted
        {
            Member = context.Member,
            Contest = contest.Id,
            Entry = (contest.Entries.Count + 1).ToString(CultureInfo.InvariantCulture),
            Title = title,
            Text = Text(a),
            CoAuthors = coAuthors,
            Status = definition.ModerateEntries ? EntryStatus.Pending : EntryStatus.Accepted,
        });
    }

    private static string? Ineligible(CommunityContests state, ContestDefinition definition, CommunityMembers members, int me, DateTimeOffset start)
    {
        if (me < 0 || !members.IsJoined(me))
        {
            return definition.JoinedBeforeStart ? "joined after the contest started" : null;
        }

        if (definition.JoinedBeforeStart && members.JoinedAt(me) >= start)
        {
            return "joined after the contest started";
        }

        if (definition.EligibleTiers.Count > 0 && !definition.EligibleTiers.Contains(state.Tiers.GetValueOrDefault(me) ?? string.Empty))
        {
            return $"open to the tiers {string.Join(", ", definition.EligibleTiers)}";
        }

        if (definition.EligibleSegment is { } segment && !InSegment(members, me, segment))
        {
            return $"open to members of {segment}";
        }

        if (definition.MinScore > 0 && state.Scores.GetValueOrDefault(me) < definition.MinScore)
        {
            return string.Create(CultureInfo.InvariantCulture, $"needs a score of at least {definition.MinScore}");
        }

        return null;
    }

    private static bool InSegment(CommunityMembers members, int member, string segment)
    {
        if (string.Equals(members.Profile(member, ProfileKeys.City), segment, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var part in (members.Profile(member, ProfileKeys.Segments) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(part, segment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void Edit(ActivityContext context, ContestState contest, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Submission, "no longer takes edits");
        var entry = Entry(context, contest);
        if (!entry.IsAuthor(members.IndexOf(context.Member)))
        {
            throw new CommunityValidationException("entry", "can be edited only by its authors");
        }

        if (!entry.IsLive)
        {
            throw new CommunityValidationException("entry", $"is {Lower(entry.Status)}");
        }

        context.Emit(new EntryEdited { Member = context.Member, Contest = contest.Id, Entry = entry.Id, Title = Title(context.Activity), Text = Text(context.Activity) });
    }

    private static void Withdraw(ActivityContext context, ContestState contest, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Submission, ContestPhase.Judging, "is not taking withdrawals");
        var entry = Entry(context, contest);
        if (entry.Author != members.IndexOf(context.Member))
        {
            throw new CommunityValidationException("entry", "can be withdrawn only by its author");
        }

        if (!entry.IsLive)
        {
            throw new CommunityValidationException("entry", $"is {Lower(entry.Status)}");
        }

        context.Emit(new EntryWithdrawn { Member = context.Member, Contest = contest.Id, Entry = entry.Id });
    }

    private static void Moderate(ActivityContext context, ContestState contest, ContestPhase phase)
    {
        RequirePhase(phase, ContestPhase.Submission, ContestPhase.Judging, "is not open to moderation");
        var entry = Entry(context, contest);
        var accept = Decision(context.Activity, "accept", "reject");
        var reason = context.Activity.GetAttribute("reason");
        if (!accept && string.IsNullOrWhiteSpace(reason))
        {
            throw new CommunityValidationException("reason", "is required to reject an entry");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            throw new CommunityValidationException("reason", $"must be at most {MaxReasonLength} characters");
        }

        var target = accept ? EntryStatus.Accepted : EntryStatus.Rejected;
        if (entry.Status == EntryStatus.Withdrawn || entry.Status == target)
        {
            throw new CommunityValidationException("entry", $"is already {Lower(entry.Status)}");
        }

        context.Emit(new EntryModerated { Member = CommunityMembers.Of(context).IdOf(entry.Author), Contest = contest.Id, Entry = entry.Id, Accepted = accept, Reason = reason });
    }

    private void Vote(ActivityContext context, CommunityContests state, ContestState contest, ContestDefinition definition, DateTimeOffset start, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Voting, "is not open for voting");
        var entry = Entry(context, contest);
        if (entry.Status != EntryStatus.Accepted)
        {
            throw new CommunityValidationException("entry", $"is {Lower(entry.Status)}, not open to votes");
        }

        var votes = context.Activity.GetInt32("votes", min: 1, max: 1_000) ?? 1;
        var voter = members.IndexOf(context.Member);
        if (voter >= 0 && contest.Votes.TryGetValue(ContestState.Key(voter, entry.Index), out var existing))
        {
            throw new CommunityValidationException("entry", existing.Status == VoteStatus.Voided ? "your vote for this entry was voided" : "already has your vote (take it back first to change it)");
        }

        var live = voter >= 0 ? contest.VotesBy.GetValueOrDefault(voter) : 0;
        if (live >= options.Value.MaxVotesPerMember)
        {
            throw new CommunityLimitExceededException("ContestOptions.MaxVotesPerMember", options.Value.MaxVotesPerMember, $"Member '{context.Member}' already has {live} votes in contest '{contest.Id}'");
        }

        var used = voter >= 0 ? contest.Used.GetValueOrDefault(voter) : 0;
        var cost = 1;
        switch (definition.Voting)
        {
            case VotingMode.Quadratic:
                cost = checked(votes * votes);
                if (used + cost > definition.VoteCredits)
                {
                    throw new CommunityValidationException("votes", string.Create(CultureInfo.InvariantCulture, $"cost {cost} credits; {definition.VoteCredits - used} left"));
                }

                break;
            case var mode when votes != 1:
                throw new CommunityValidationException("votes", $"must be 1 in a contest with {mode} voting");
            case VotingMode.LimitedPerContest when used >= definition.VotesPerMember:
                throw new CommunityValidationException("entry", string.Create(CultureInfo.InvariantCulture, $"cannot take your vote: you used all {definition.VotesPerMember} votes of this contest"));
        }

        List<string>? reasons = null; // most votes are counted: no list for them
        if (voter >= 0 && entry.IsAuthor(voter))
        {
            (reasons ??= []).Add(VoteHoldReasons.SelfVote);
        }

        if (definition.HoldLateJoinerVotes && (voter < 0 || !members.IsJoined(voter) || members.JoinedAt(voter) >= start))
        {
            (reasons ??= []).Add(VoteHoldReasons.JoinedAfterStart);
        }

        var fraud = options.Value.Fraud;
        if (voter >= 0)
        {
            if (projection.SharesBranch(members, voter, entry.Author) && entry.Voters + 1 >= fraud.BranchMinVotes
                && (entry.BranchVoters + 1) > fraud.BranchShare * (entry.Voters + 1))
            {
                (reasons ??= []).Add(VoteHoldReasons.AuthorBranch);
            }

            if (projection.RecentFrom(entry, projection.BranchOf(members, voter), context.EffectiveTime) + 1 > fraud.BurstLimit)
            {
                (reasons ??= []).Add(VoteHoldReasons.BranchBurst);
            }
        }

        context.Emit(new VoteCast
        {
            Member = context.Member,
            Contest = contest.Id,
            Entry = entry.Id,
            Votes = votes,
            Weight = votes * (voter >= 0 ? projection.WeightOf(state, voter) : 1),
            Cost = definition.Voting == VotingMode.OnePerEntry ? 0 : cost,
            Status = reasons is null ? VoteStatus.Counted : VoteStatus.Held,
            HoldReasons = reasons ?? (IReadOnlyList<string>)[],
        });
    }

    private static void Unvote(ActivityContext context, ContestState contest, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Voting, "is not open for voting");
        var entry = Entry(context, contest);
        var voter = members.IndexOf(context.Member);
        if (voter < 0 || !contest.Votes.TryGetValue(ContestState.Key(voter, entry.Index), out var vote))
        {
            throw new CommunityValidationException("entry", "has no vote of yours");
        }

        if (vote.Status == VoteStatus.Voided)
        {
            throw new CommunityValidationException("entry", "your vote for this entry was voided");
        }

        context.Emit(new VoteRevoked { Member = context.Member, Contest = contest.Id, Entry = entry.Id });
    }

    private static void Report(ActivityContext context, ContestState contest, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Submission, ContestPhase.Judging, "is not open to reports");
        var entry = Entry(context, contest);
        var reason = context.Activity.GetRequiredString("reason");
        if (reason.Length > MaxReasonLength)
        {
            throw new CommunityValidationException("reason", $"must be at most {MaxReasonLength} characters");
        }

        var me = members.IndexOf(context.Member);
        if (me >= 0 && entry.Reporters?.Contains(me) == true)
        {
            throw new CommunityValidationException("entry", "was already reported by you");
        }

        context.Emit(new EntryReported { Member = context.Member, Contest = contest.Id, Entry = entry.Id, Reason = reason });
    }

    private static void Review(ActivityContext context, ContestState contest, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Voting, ContestPhase.Judging, "has no votes to review");
        var entry = Entry(context, contest);
        var approve = Decision(context.Activity, "approve", "void");
        var reason = context.Activity.GetRequiredString("reason");
        if (reason.Length > MaxReasonLength)
        {
            throw new CommunityValidationException("reason", $"must be at most {MaxReasonLength} characters");
        }

        var voters = new List<MemberId>();
        if (context.Activity.GetMemberId("voter") is { } one)
        {
            var index = members.IndexOf(one);
            if (index < 0 || !contest.Votes.TryGetValue(ContestState.Key(index, entry.Index), out var vote) || vote.Status == VoteStatus.Voided || (approve && vote.Status != VoteStatus.Held))
            {
                throw new CommunityValidationException("voter", approve ? "has no held vote for this entry" : "has no vote for this entry to void");
            }

            voters.Add(one);
        }
        else
        {
            foreach (var held in entry.Held)
            {
                voters.Add(members.IdOf(held));
            }

            if (voters.Count == 0)
            {
                throw new CommunityValidationException("entry", "has no held votes");
            }
        }

        context.Emit(new VotesReviewed { Member = context.Member, Contest = contest.Id, Entry = entry.Id, Voters = voters, Approved = approve, Reason = reason });
    }

    private static void Shortlist(ActivityContext context, ContestState contest, ContestPhase phase)
    {
        RequirePhase(phase, ContestPhase.Judging, "is not being judged (voting must have ended)");
        var top = context.Activity.GetInt32("top", min: 0, max: 100) ?? 0;
        var picks = List(context.Activity, "entries");
        var chosen = new List<(EntryState Entry, string By)>();
        for (var rank = 0; rank < Math.Min(top, contest.Ranking.Count); rank++)
        {
            chosen.Add((contest.Entries[contest.Ranking.MemberAt(rank, out _)], "votes"));
        }

        foreach (var pick in picks)
        {
            var entry = contest.Find(pick) ?? throw new ContestNotFoundException(context.Community, contest.Id, pick);
            if (entry.Status != EntryStatus.Accepted)
            {
                throw new CommunityValidationException("entries", $"entry '{pick}' is {Lower(entry.Status)}");
            }

            if (!chosen.Exists(c => c.Entry == entry))
            {
                chosen.Add((entry, "judges"));
            }
        }

        chosen.RemoveAll(c => c.Entry.Shortlisted);
        if (chosen.Count == 0)
        {
            throw new CommunityValidationException(picks.Count > 0 ? "entries" : "top", "adds no entry to the shortlist");
        }

        foreach (var (entry, by) in chosen)
        {
            context.Emit(new EntryShortlisted { Member = CommunityMembers.Of(context).IdOf(entry.Author), Contest = contest.Id, Entry = entry.Id, By = by });
        }
    }

    private void Finish(ActivityContext context, ContestState contest, ContestDefinition definition, ContestPhase phase, CommunityMembers members)
    {
        RequirePhase(phase, ContestPhase.Judging, "cannot be finished before voting ends, or twice");
        var named = List(context.Activity, "winners");
        var winners = new List<EntryState>();
        foreach (var id in named)
        {
            var entry = contest.Find(id) ?? throw new ContestNotFoundException(context.Community, contest.Id, id);
            if (entry.Status != EntryStatus.Accepted)
            {
                throw new CommunityValidationException("winners", $"entry '{id}' is {Lower(entry.Status)}");
            }

            if (!winners.Contains(entry))
            {
                winners.Add(entry);
            }
        }

        if (named.Count == 0)
        {
            // By votes: from the shortlist when there is one, else from every accepted entry (the ranking's order).
            IEnumerable<EntryState> pool = contest.Shortlist.Count > 0
                ? contest.Shortlist.Select(i => contest.Entries[i]).Where(e => e.Status == EntryStatus.Accepted).OrderBy(e => contest.Ranking.RankOf(e.Index))
                : Enumerable.Range(0, Math.Min(definition.Winners, contest.Ranking.Count)).Select(r => contest.Entries[contest.Ranking.MemberAt(r, out _)]);
            winners.AddRange(pool.Take(definition.Winners));
        }

        var results = new List<ContestWinner>(winners.Count);
        for (var place = 0; place < winners.Count; place++)
        {
            var entry = winners[place];
            var authors = new List<MemberId> { members.IdOf(entry.Author) };
            authors.AddRange(entry.CoAuthors.Select(members.IdOf));
            results.Add(new ContestWinner(place + 1, entry.Id, entry.Title, authors, entry.Votes));
        }

        context.Emit(new ContestFinished { Member = context.Member, Contest = contest.Id, Winners = results });
        if (definition.PrizeCurrency is { } currency && _awarder is not null)
        {
            foreach (var winner in results)
            {
                var prize = winner.Place <= definition.Prizes.Count ? definition.Prizes[winner.Place - 1] : 0;
                if (prize <= 0)
                {
                    continue;
                }

                foreach (var author in winner.Authors)
                {
                    _awarder.Award(context, author, currency, prize, string.Create(CultureInfo.InvariantCulture, $"contest {contest.Id}: place {winner.Place}"));
                }
            }
        }
    }

    private static void RequirePhase(ContestPhase phase, ContestPhase only, string refusal) => RequirePhase(phase, only, only, refusal);

    private static void RequirePhase(ContestPhase phase, ContestPhase from, ContestPhase to, string refusal)
    {
        if (phase < from || phase > to)
        {
            throw new CommunityValidationException("contest", $"{refusal} (it is {Lower(phase)})");
        }
    }

    private static EntryState Entry(ActivityContext context, ContestState contest)
    {
        var id = context.Activity.GetRequiredString("entry");
        return contest.Find(id) ?? throw new ContestNotFoundException(context.Community, contest.Id, id);
    }

    private static string Title(Activity activity)
    {
        var title = activity.GetRequiredString("title").Trim();
        return title.Length is 0 or > MaxTitleLength
            ? throw new CommunityValidationException("title", $"must be 1 to {MaxTitleLength} characters")
            : title;
    }

    private static string? Text(Activity activity) => activity.GetAttribute("text") is { Length: > 0 } text ? text : null;

    private static bool Decision(Activity activity, string yes, string no) => activity.GetRequiredString("decision") switch
    {
        var d when d == yes => true,
        var d when d == no => false,
        _ => throw new CommunityValidationException("decision", $"must be {yes} or {no}"),
    };

    private static List<string> List(Activity activity, string name)
    {
        var items = (activity.GetAttribute(name) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        return items.Count > MaxPicks ? throw new CommunityValidationException(name, $"must list at most {MaxPicks} entries") : items;
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
