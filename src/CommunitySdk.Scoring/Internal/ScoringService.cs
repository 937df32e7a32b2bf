using CommunitySdk.Collections;
using System.Globalization;

namespace CommunitySdk.Scoring.Internal;

internal sealed class ScoringService(
    ICommunity community,
    ScoringProjection projection,
    ScoringModel model,
    TierEvaluator tiers,
    IMemberScorer scorer,
    TimeProvider time) : IScoringService
{
    public string? PointsBoardCurrency => projection.LeaderboardCurrency;

    public TimeSpan HalfLife => model.Options.HalfLifeTime;

    public async ValueTask<ScoreExplanation> ExplainAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        var now = time.GetUtcNow();
        return await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                var index = Index(s, members, member);
                var inputs = TierEvaluator.Inputs(s, member, index, now);
                var parts = scorer.Explain(inputs);
                var decay = s.DecayAt(now);
                return new ScoreExplanation(member, parts.Sum(p => p.Value), index >= 0 ? s.Hot[index].Engagement * decay : 0, inputs.Network, model.TierName(index >= 0 ? s.Tiers[index].Tier : 0), parts);
            },
            cancellationToken).ConfigureAwait(false);
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
            (s, tree, scale) => Index(s, s.Members, member) is var m && m >= 0 && tree.Contains(m)
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
                if (Index(s, s.Members, member) is var m && (m < 0 || !tree.Contains(m)))
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
        return await projection.ReadAsync<IReadOnlyList<MemberId>>(
            communityId,
            (s, members) => Enumerable.Range(0, Math.Min(model.Options.CohortSize, s.ScoreBoard.Count)).Select(r => members.IdOf(s.ScoreBoard.MemberAt(r, out _))).ToArray(),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<CohortChange>> CohortHistoryAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        return await projection.ReadAsync<IReadOnlyList<CohortChange>>(communityId, (s, _) => s.CohortHistory.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<SegmentActivity>> SegmentRankingAsync(CommunityId communityId, CancellationToken cancellationToken = default)
    {
        var since = time.GetUtcNow().AddDays(-model.Options.ActiveDays);
        return await projection.ReadAsync<IReadOnlyList<SegmentActivity>>(
            communityId,
            (s, members) =>
            {
                var active = new int[s.Cities.Count];
                for (var m = 0; m < Math.Min(members.Count, s.Capacity); m++)
                {
                    if (s.Hot[m].City >= 0 && s.Hot[m].LastActive >= since)
                    {
                        active[s.Hot[m].City]++;
                    }
                }

                return active.Select((count, city) => new SegmentActivity(s.Cities[city], count))
                    .Where(a => a.ActiveMembers > 0)
                    .OrderByDescending(a => a.ActiveMembers).ThenBy(a => a.Segment, StringComparer.Ordinal)
                    .ToArray();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<MemberId>> StrongTiesAsync(CommunityId communityId, MemberId member, CancellationToken cancellationToken = default)
    {
        Require(communityId, member);
        return await projection.ReadAsync<IReadOnlyList<MemberId>>(
            communityId,
            (s, members) => members.IndexOf(member) is var m && s.Ties.TryGetValue(m, out var ties) ? ties.Select(members.IdOf).ToArray() : [],
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<(string Subject, double Score)>> HotSubjectsAsync(CommunityId communityId, int count, CancellationToken cancellationToken = default)
    {
        CheckCount(count, "count", 500);
        var now = time.GetUtcNow();
        return await projection.ReadAsync<IReadOnlyList<(string, double)>>(
            communityId,
            (s, _) =>
            {
                var decay = s.DecayAt(now);
                return Enumerable.Range(0, Math.Min(count, s.Subjects.Count))
                    .Select(r => s.Subjects.MemberAt(r, out var score) is var subject ? (s.SubjectNames[subject], score * decay) : default)
                    .ToArray();
            },
            cancellationToken).ConfigureAwait(false);
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
        if (model.Tiers.Length < 2)
        {
            await projection.ReadAsync(communityId, static (_, _) => 0, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var now = time.GetUtcNow();
        var due = await projection.ReadAsync(
            communityId,
            (s, members) =>
            {
                var list = new List<MemberId>();
                for (var m = 0; m < Math.Min(members.Count, s.Capacity); m++)
                {
                    if (!members.IsJoined(m) || s.Tiers[m].Locked >= 0)
                    {
                        continue;
                    }

                    var member = members.IdOf(m);
                    if (tiers.Decide(s, member, m, now, default).Action != TierAction.None)
                    {
                        list.Add(member);
                    }
                }

                return list;
            },
            cancellationToken).ConfigureAwait(false);
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

        var now = time.GetUtcNow();
        return await projection.ReadAsync(
            communityId,
            (s, _) =>
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
            cancellationToken).ConfigureAwait(false);
    }

    private static LeaderboardEntry[] Entries(CommunityScores s, OrderStatisticTree tree, double scale, int from, int count)
    {
        var entries = new List<LeaderboardEntry>(Math.Max(0, Math.Min(count, tree.Count - from)));
        for (var rank = from; rank < tree.Count && entries.Count < count; rank++)
        {
            var member = tree.MemberAt(rank, out var score);
            entries.Add(new LeaderboardEntry(rank + 1, s.Members.IdOf(member), score * scale));
        }

        return [.. entries];
    }


    /// <summary>The member's index in the scoring state, or -1 when scoring has not seen them.</summary>
    private static int Index(CommunityScores s, CommunityMembers members, MemberId member) =>
        members.IndexOf(member) is var i && i < s.Capacity ? i : -1;

    private static void CheckCount(int value, string field, int max, int min = 1)
    {
        if (value < min || value > max)
        {
            throw new CommunityValidationException(field, $"must be between {min} and {max}");
        }
    }

    internal static void Require(CommunityId communityId, MemberId member)
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
