using System.Globalization;
using CommunitySdk.Badges;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Contests.Internal;

internal sealed class ContestService(ICommunity community, ContestProjection projection, TimeProvider time, IServiceProvider services) : IContestService
{
    public const int MaxTake = 100;

    public async ValueTask<IReadOnlyList<ContestInfo>> ListAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        RequireCommunity(communityId);
        var now = time.GetUtcNow();
        return await projection.ReadAsync(
            communityId,
            (s, _) => projection.ContestsOf(communityId).Select(c => Info(communityId, c.Id, c.Definition, s.Contests.GetValueOrDefault(c.Id), now)).ToArray(),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ContestInfo> GetAsync(CommunityId communityId, string contest, CancellationToken cancellationToken = default)
    {
        var definition = Require(communityId, contest);
        var now = time.GetUtcNow();
        return await projection.ReadAsync(communityId, (s, _) => Info(communityId, contest, definition, s.Contests.GetValueOrDefault(contest), now), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ContestEntry>> RankingAsync(CommunityId communityId, string contest, int skip = 0, int take = 20, CancellationToken cancellationToken = default)
    {
        Require(communityId, contest);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, MaxTake);
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                if (!s.Contests.TryGetValue(contest, out var c))
                {
                    return (IReadOnlyList<ContestEntry>)[];
                }

                var rows = new List<ContestEntry>(Math.Min(take, Math.Max(c.Ranking.Count - skip, 0)));
                for (var rank = skip; rank < Math.Min(skip + take, c.Ranking.Count); rank++)
                {
                    rows.Add(ToEntry(c, c.Entries[c.Ranking.MemberAt(rank, out _)], members));
                }

                return rows;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ContestEntry?> GetEntryAsync(CommunityId communityId, string contest, string entry, CancellationToken cancellationToken = default)
    {
        Require(communityId, contest);
        return await projection.ReadAsync(
            communityId,
            (s, members) => s.Contests.TryGetValue(contest, out var c) && c.Find(entry) is { } e ? ToEntry(c, e, members) : null,
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ContestEntry>> EntriesOfAsync(CommunityId communityId, string contest, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, contest);
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                var index = members.IndexOf(member);
                return index < 0 || !s.Contests.TryGetValue(contest, out var c)
                    ? []
                    : (IReadOnlyList<ContestEntry>)c.Entries.Where(e => e.IsAuthor(index)).Select(e => ToEntry(c, e, members)).ToArray();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<HotEntry>> HotAsync(CommunityId communityId, string contest, int count = 10, CancellationToken cancellationToken = default)
    {
        Require(communityId, contest);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxTake);
        var now = time.GetUtcNow();
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                if (!s.Contests.TryGetValue(contest, out var c))
                {
                    return (IReadOnlyList<HotEntry>)[];
                }

                var rows = new List<HotEntry>();
                for (var rank = 0; rank < c.Hot.Count && rows.Count < count; rank++)
                {
                    var index = c.Hot.MemberAt(rank, out _);
                    var score = projection.HotScore(c, index, now);
                    if (score > 1e-9)
                    {
                        rows.Add(new HotEntry(ToEntry(c, c.Entries[index], members), score));
                    }
                }

                return rows;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<MemberContestVotes> VotesOfAsync(CommunityId communityId, string contest, MemberId member, CancellationToken cancellationToken = default)
    {
        var definition = Require(communityId, contest);
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                var index = members.IndexOf(member);
                var votes = new List<MemberVote>();
                var used = 0;
                if (index >= 0 && s.Contests.TryGetValue(contest, out var c))
                {
                    foreach (var entry in c.Entries)
                    {
                        if (c.Votes.TryGetValue(ContestState.Key(index, entry.Index), out var vote))
                        {
                            votes.Add(new MemberVote(entry.Id, vote.Votes, vote.Weight, vote.Status));
                        }
                    }

                    used = c.Used.GetValueOrDefault(index);
                }

                int? remaining = definition.Voting switch
                {
                    VotingMode.LimitedPerContest => definition.VotesPerMember - used,
                    VotingMode.Quadratic => definition.VoteCredits - used,
                    _ => null,
                };
                return new MemberContestVotes(contest, votes, remaining);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<EntryReview>> ReviewAsync(CommunityId communityId, string contest, CancellationToken cancellationToken = default)
    {
        Require(communityId, contest);
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                if (!s.Contests.TryGetValue(contest, out var c))
                {
                    return (IReadOnlyList<EntryReview>)[];
                }

                var reviews = new List<EntryReview>();
                foreach (var entry in c.Entries)
                {
                    if (entry.Status != EntryStatus.Pending && entry.Held.Count == 0 && (entry.Reporters?.Count ?? 0) == 0)
                    {
                        continue;
                    }

                    var held = entry.Held.Select(v => (Voter: v, Vote: c.Votes[ContestState.Key(v, entry.Index)]))
                        .Select(h => new HeldVote(members.IdOf(h.Voter), h.Vote.Votes, h.Vote.Weight, h.Vote.Reasons, h.Vote.At))
                        .ToArray();
                    reviews.Add(new EntryReview(ToEntry(c, entry, members), held, entry.ReportReasons.ToArray()));
                }

                return reviews;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ContestEntry> SubmitAsync(CommunityId communityId, string contest, MemberId member, EntrySubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var attributes = new List<(string, string)> { ("contest", contest), ("title", submission.Title ?? string.Empty) };
        if (submission.Text is { Length: > 0 } text)
        {
            attributes.Add(("text", text));
        }

        if (submission.CoAuthors.Count > ContestReactor.MaxCoAuthors)
        {
            throw new CommunityValidationException("coAuthors", $"must list at most {ContestReactor.MaxCoAuthors} members");
        }

        for (var i = 0; i < submission.CoAuthors.Count; i++)
        {
            attributes.Add(($"coauthor{i + 1}", submission.CoAuthors[i].Value));
        }

        var outcome = await RecordAsync(communityId, member, ContestActivityTypes.Submit, submission.IdempotencyKey, cancellationToken, [.. attributes]).ConfigureAwait(false);
        var id = outcome.EffectsOf<EntrySubmitted>().Single().Entry;
        return await GetEntryAsync(communityId, contest, id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Entry '{id}' of contest '{contest}' was recorded but is not in the state.");
    }

    public ValueTask<ActivityOutcome> EditAsync(CommunityId communityId, string contest, string entry, MemberId member, string title, string? text, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, member, ContestActivityTypes.Edit, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry), ("title", title ?? string.Empty), ("text", text ?? string.Empty));

    public ValueTask<ActivityOutcome> WithdrawAsync(CommunityId communityId, string contest, string entry, MemberId member, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, member, ContestActivityTypes.Withdraw, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry));

    public ValueTask<ActivityOutcome> VoteAsync(CommunityId communityId, string contest, string entry, MemberId member, int votes, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, member, ContestActivityTypes.Vote, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry), ("votes", votes.ToString(CultureInfo.InvariantCulture)));

    public ValueTask<ActivityOutcome> UnvoteAsync(CommunityId communityId, string contest, string entry, MemberId member, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, member, ContestActivityTypes.Unvote, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry));

    public ValueTask<ActivityOutcome> ReportAsync(CommunityId communityId, string contest, string entry, MemberId member, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, member, ContestActivityTypes.Report, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry), ("reason", reason ?? string.Empty));

    public ValueTask<ActivityOutcome> ModerateAsync(CommunityId communityId, string contest, string entry, MemberId operatorId, bool accept, string? reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, operatorId, ContestActivityTypes.Moderate, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry), ("decision", accept ? "accept" : "reject"), ("reason", reason ?? string.Empty));

    public ValueTask<ActivityOutcome> ReviewVotesAsync(CommunityId communityId, string contest, string entry, MemberId operatorId, bool approve, MemberId? voter, string reason, string idempotencyKey, CancellationToken cancellationToken = default) =>
        RecordAsync(communityId, operatorId, ContestActivityTypes.ReviewVotes, idempotencyKey, cancellationToken, ("contest", contest), ("entry", entry), ("decision", approve ? "approve" : "void"), ("voter", voter?.Value ?? string.Empty), ("reason", reason ?? string.Empty));

    public ValueTask<ActivityOutcome> ShortlistAsync(CommunityId communityId, string contest, MemberId operatorId, int top, IReadOnlyList<string> picks, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(picks);
        return RecordAsync(communityId, operatorId, ContestActivityTypes.Shortlist, idempotencyKey, cancellationToken, ("contest", contest), ("top", top.ToString(CultureInfo.InvariantCulture)), ("entries", Join(picks, "entries")));
    }

    public async ValueTask<ActivityOutcome> FinishAsync(CommunityId communityId, string contest, MemberId operatorId, IReadOnlyList<string> winners, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(winners);
        var outcome = await RecordAsync(communityId, operatorId, ContestActivityTypes.Finish, idempotencyKey, cancellationToken, ("contest", contest), ("winners", Join(winners, "winners"))).ConfigureAwait(false);
        var definition = projection.Definition(communityId, contest);
        if (definition.HonourBadge is { } badge && services.GetService<IBadgeService>() is { } badges)
        {
            // Honours are the badge feature's own activities, one per author: each is idempotent, so a retry of the
            // finish (a duplicate outcome) completes any that a crash left out.
            var info = await GetAsync(communityId, contest, cancellationToken).ConfigureAwait(false);
            foreach (var winner in info.Winners)
            {
                foreach (var author in winner.Authors)
                {
                    await badges.GrantAsync(communityId, author, badge, string.Create(CultureInfo.InvariantCulture, $"{info.Title}: place {winner.Place}"), $"contest.honour:{contest}:{author}", cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return outcome;
    }

    private ValueTask<ActivityOutcome> RecordAsync(CommunityId communityId, MemberId member, string type, string idempotencyKey, CancellationToken cancellationToken, params (string Name, string Value)[] attributes)
    {
        RequireCommunity(communityId);
        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }

        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            throw new CommunityValidationException("idempotencyKey", "is required");
        }

        return community.RecordCommandAsync(communityId, member, type, idempotencyKey, cancellationToken, attributes.Where(a => a.Value.Length > 0).ToArray());
    }

    private ContestInfo Info(CommunityId communityId, string id, ContestDefinition definition, ContestState? state, DateTimeOffset now)
    {
        var schedule = projection.Schedule(communityId, definition);
        return new ContestInfo(
            id,
            CommunitySdk.DisplayNames.Resolve(ReadOnly(definition.DisplayNames), definition.Title),
            definition.Brief is null ? null : CommunitySdk.DisplayNames.Resolve(ReadOnly(definition.Briefs), definition.Brief),
            ContestProjection.Phase(schedule, state, now),
            schedule.Submission,
            schedule.Voting,
            schedule.End,
            definition.Voting,
            definition.Voting == VotingMode.LimitedPerContest ? definition.VotesPerMember : 0,
            definition.Voting == VotingMode.Quadratic ? definition.VoteCredits : 0,
            state?.Ranking.Count ?? 0,
            state?.Winners ?? []);
    }

    private static ContestEntry ToEntry(ContestState contest, EntryState entry, CommunityMembers members) => new(
        contest.Id,
        entry.Id,
        members.IdOf(entry.Author),
        entry.CoAuthors.Select(members.IdOf).ToArray(),
        entry.Title,
        entry.Text,
        entry.Status,
        entry.ModerationReason,
        entry.SubmittedAt,
        entry.Votes,
        entry.Voters,
        entry.Held.Count,
        entry.Reporters?.Count ?? 0,
        entry.Shortlisted,
        entry.Status == EntryStatus.Accepted ? contest.Ranking.RankOf(entry.Index) + 1 : null);

    /// <summary>A definition's name map as <see cref="CommunitySdk.DisplayNames.Resolve"/> reads it (the options create a case-insensitive <see cref="Dictionary{TKey, TValue}"/>: no copy).</summary>
    private static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string> names) =>
        names as IReadOnlyDictionary<string, string> ?? new Dictionary<string, string>(names, StringComparer.OrdinalIgnoreCase);

    private static string Join(IReadOnlyList<string> entries, string field)
    {
        var text = string.Join(',', entries.Select(e => e?.Trim() ?? string.Empty));
        return text.Length > Activity.MaxAttributeValueLength ? throw new CommunityValidationException(field, $"must list at most {ContestReactor.MaxPicks} entries") : text;
    }

    /// <summary>The contest's definition for the community: the community is given and runs the contest, or a typed error.</summary>
    private ContestDefinition Require(CommunityId communityId, string contest)
    {
        RequireCommunity(communityId);
        return projection.Definition(communityId, contest);
    }

    private static void RequireCommunity(CommunityId communityId)
    {
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }
    }
}
