using System.Globalization;

namespace CommunitySdk.Scoring.Internal;

internal sealed class ScoringService(
    ICommunity community,
    ScoringProjection projection,
    ScoringModel model,
    TierEvaluator tiers,
    IMemberScorer scorer,
    IProjectionSynchronizer sync,
    TimeProvider time) : IScoringService
{
    public string? PointsBoardCurrency => projection.LeaderboardCurrency;

    public async ValueTask<ScoreExplanation> ExplainAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return projection.Read(
            communityId,
            s =>
            {
                var index = s.Index.TryGetValue(member, out var i) ? i : -1;
                var inputs = TierEvaluator.Inputs(s, member, index, now);
                var parts = scorer.Explain(inputs);
                var decay = s.DecayAt(now);
                return new ScoreExplanation(member, parts.Sum(p => p.Value), index >= 0 ? s.Hot[index].Engagement * decay : 0, inputs.Network, model.TierName(index >= 0 ? s.Tier[index] : 0), parts);
            },
            new ScoreExplanation(member, 0, 0, 0, model.TierName(0), []));
    }

    public async ValueTask<IReadOnlyList<LeaderboardEntry>> TopAsync(CommunityId communityId, LeaderboardKey board, int count, CancellationToken cancellationToken = default)
    {
        CheckCount(count, "count", 500);
        return await ReadBoardAsync<IReadOnlyList<LeaderboardEntry>>(communityId, board, (s, tree, scale) => Entries(s, tree, scale, 0, count), [], cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<LeaderboardEntry?> RankAsync(CommunityId communityId, LeaderboardKey board, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        return ReadBoardAsync(
            communityId,
            board,
            (s, tree, scale) => s.Index.TryGetValue(member, out var m) && tree.Contains(m)
                ? new LeaderboardEntry(tree.RankOf(m) + 1, member, tree.ScoreOf(m) * scale)
                : null,
            (LeaderboardEntry?)null,
            cancellationToken);
    }

    public ValueTask<IReadOnlyList<LeaderboardEntry>> AroundAsync(CommunityId communityId, LeaderboardKey board, MemberId member, int k, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        CheckCount(k, "k", 100, min: 0);
        return ReadBoardAsync<IReadOnlyList<LeaderboardEntry>>(
            communityId,
            board,
            (s, tree, scale) =>
            {
                if (!s.Index.TryGetValue(member, out var m) || !tree.Contains(m))
                {
                    return [];
                }

                var rank = tree.RankOf(m);
                var from = Math.Max(0, rank - k);
                return Entries(s, tree, scale, from, rank + k + 1 - from);
            },
            [],
            cancellationToken);
    }

    public ValueTask<int> SizeAsync(CommunityId communityId, LeaderboardKey board, CancellationToken cancellationToken = default) =>
        ReadBoardAsync(communityId, board, (_, tree, _) => tree.Count, 0, cancellationToken);

    public async ValueTask<IReadOnlyList<MemberId>> CohortAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read<IReadOnlyList<MemberId>>(
            communityId,
            s => Enumerable.Range(0, Math.Min(model.Options.CohortSize, s.ScoreBoard.Count)).Select(r => s.Ids[s.ScoreBoard.MemberAt(r, out _)]).ToArray(),
            []);
    }

    public async ValueTask<IReadOnlyList<CohortChange>> CohortHistoryAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read<IReadOnlyList<CohortChange>>(communityId, s => s.CohortHistory.ToArray(), []);
    }

    public async ValueTask<IReadOnlyList<SegmentActivity>> SegmentRankingAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var since = time.GetUtcNow().AddDays(-model.Options.ActiveDays);
        return projection.Read<IReadOnlyList<SegmentActivity>>(
            communityId,
            s =>
            {
                var active = new int[s.Cities.Count];
                for (var m = 0; m < s.Ids.Count; m++)
                {
                    if (s.Hot[m].City >= 0 && s.LastActive[m] >= since)
                    {
                        active[s.Hot[m].City]++;
                    }
                }

                return active.Select((count, city) => new SegmentActivity(s.Cities[city], count))
                    .Where(a => a.ActiveMembers > 0)
                    .OrderByDescending(a => a.ActiveMembers).ThenBy(a => a.Segment, StringComparer.Ordinal)
                    .ToArray();
            },
            []);
    }

    public async ValueTask<IReadOnlyList<MemberId>> StrongTiesAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        return projection.Read<IReadOnlyList<MemberId>>(
            communityId,
            s => s.Index.TryGetValue(member, out var m) && s.Ties.TryGetValue(m, out var ties) ? ties.Select(t => s.Ids[t]).ToArray() : [],
            []);
    }

    public async ValueTask<IReadOnlyList<(string Subject, double Score)>> HotSubjectsAsync(CommunityId communityId, int count, CancellationToken cancellationToken = default)
    {
        CheckCount(count, "count", 500);
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return projection.Read<IReadOnlyList<(string, double)>>(
            communityId,
            s =>
            {
                var decay = s.DecayAt(now);
                return Enumerable.Range(0, Math.Min(count, s.Subjects.Count))
                    .Select(r => s.Subjects.MemberAt(r, out var score) is var subject ? (s.SubjectNames[subject], score * decay) : default)
                    .ToArray();
            },
            []);
    }

    public ValueTask<ActivityOutcome> EndorseAsync(CommunityId communityId, MemberId endorser, MemberId member, string tier, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        if (endorser.IsEmpty)
        {
            throw new CommunityValidationException("endorser", "is required");
        }

        return community.RecordCommandAsync(communityId, member, ScoringActivityTypes.Endorse, idempotencyKey, cancellationToken, ("endorser", endorser.Value), ("tier", tier));
    }

    public ValueTask<ActivityOutcome> LockTierAsync(CommunityId communityId, MemberId member, string? tier, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        return tier is null
            ? community.RecordCommandAsync(communityId, member, ScoringActivityTypes.LockTier, idempotencyKey, cancellationToken)
            : community.RecordCommandAsync(communityId, member, ScoringActivityTypes.LockTier, idempotencyKey, cancellationToken, ("tier", tier));
    }

    public async ValueTask<int> ReviewTiersAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        if (model.Tiers.Length < 2)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var due = projection.Read(
            communityId,
            s => s.Ids.Where((member, m) =>
            {
                if (s.LockedTier[m] >= 0)
                {
                    return false;
                }

                var eligible = tiers.Eligible(s, member, now, default);
                return eligible > s.Tier[m] || (eligible < s.Tier[m] && (s.GraceUntil[m] is null || now >= s.GraceUntil[m])) || (eligible >= s.Tier[m] && s.GraceUntil[m] is not null);
            }).ToArray(),
            []);
        var changed = 0;
        foreach (var member in due)
        {
            var outcome = await community.RecordCommandAsync(communityId, member, ScoringActivityTypes.ReviewTier, string.Create(CultureInfo.InvariantCulture, $"{ScoringActivityTypes.ReviewTier}:{member}:{now.UtcTicks}"), cancellationToken).ConfigureAwait(false);
            changed += outcome.EffectsOf<TierChanged>().Any() ? 1 : 0;
        }

        return changed;
    }

    private async ValueTask<T> ReadBoardAsync<T>(CommunityId communityId, LeaderboardKey board, Func<CommunityScores, OrderStatisticTree, double, T> read, T empty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(board);
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        await sync.EnsureCurrentAsync(communityId, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return projection.Read(
            communityId,
            s =>
            {
                var city = -1;
                if (board.Segment is { } segment && !s.CityIndex.TryGetValue(segment, out city))
                {
                    return empty;
                }

                if (board.Kind == LeaderboardKind.Score)
                {
                    var tree = city < 0 ? s.ScoreBoard : s.CityBoards.GetValueOrDefault(city);
                    return tree is null ? empty : read(s, tree, s.DecayAt(now));
                }

                var period = projection.Period(communityId, board.Kind, board.At ?? now);
                return s.PointsBoards.TryGetValue((board.Kind, period, city), out var points) ? read(s, points, 1) : empty;
            },
            empty);
    }

    private static LeaderboardEntry[] Entries(CommunityScores s, OrderStatisticTree tree, double scale, int from, int count)
    {
        var entries = new List<LeaderboardEntry>(Math.Max(0, Math.Min(count, tree.Count - from)));
        for (var rank = from; rank < tree.Count && entries.Count < count; rank++)
        {
            var member = tree.MemberAt(rank, out var score);
            entries.Add(new LeaderboardEntry(rank + 1, s.Ids[member], score * scale));
        }

        return [.. entries];
    }


    private static void CheckCount(int value, string field, int max, int min = 1)
    {
        if (value < min || value > max)
        {
            throw new CommunityValidationException(field, $"must be between {min} and {max}");
        }
    }

    private static void Require(CommunityId communityId, MemberId member)
    {
        if (communityId.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }
    }
}
