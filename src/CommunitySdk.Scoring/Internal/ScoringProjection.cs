using System.Collections.Concurrent;
using CommunitySdk.Points;
using CommunitySdk.Referrals;

namespace CommunitySdk.Scoring.Internal;

/// <summary>Folds committed activities into each community's <see cref="CommunityScores"/>.</summary>
internal sealed class ScoringProjection(ScoringModel model, ICommunityCalendar calendar, IServiceProvider services) : ICommunityProjection
{
    private readonly ConcurrentDictionary<CommunityId, CommunityScores> _communities = new();
    private readonly string? _leaderboardCurrency = model.Options.LeaderboardCurrency
        ?? ((IPointsAwarder?)services.GetService(typeof(IPointsAwarder)))?.Currencies.FirstOrDefault();

    /// <summary>The currency the points boards rank.</summary>
    public string? LeaderboardCurrency => _leaderboardCurrency;

    public void Apply(CommittedActivity committed)
    {
        var activity = committed.Activity;
        var s = _communities.GetOrAdd(activity.Community, _ => new CommunityScores(model, committed.EffectiveTime));
        lock (s.Sync)
        {
            s.Now = committed.EffectiveTime;
            foreach (var e in committed.Events)
            {
                Apply(s, activity.Community, e);
            }

            var member = s.Intern(activity.Member);
            if (committed.EffectiveTime > s.LastActive[member])
            {
                s.LastActive[member] = committed.EffectiveTime;
            }

            if (model.IsCommand(activity.Type))
            {
                return;
            }

            s.Count(member, s.InternType(activity.Type));
            var options = model.Options;
            if (activity.Type == options.AttendanceActivityType && activity.GetAttribute(options.EventAttribute) is { Length: > 0 } eventId)
            {
                s.Attend(member, eventId, options.StrongTieThreshold);
            }

            if (activity.GetAttribute(options.SubjectAttribute) is { Length: > 0 } subject)
            {
                s.HotSubject(subject, Math.Max(model.WeightOf(activity), 0), committed.EffectiveTime);
            }
        }
    }

    public void Reset(CommunityId community) => _communities.TryRemove(community, out _);

    public T Read<T>(CommunityId community, Func<CommunityScores, T> read, T empty)
    {
        if (!_communities.TryGetValue(community, out var s))
        {
            return empty;
        }

        lock (s.Sync)
        {
            return read(s);
        }
    }

    /// <summary>The first day of the window of <paramref name="kind"/> holding <paramref name="at"/>, in the community's time zone.</summary>
    public DateOnly Period(CommunityId community, LeaderboardKind kind, DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, calendar.GetTimeZone(community)).DateTime);
        return kind switch
        {
            LeaderboardKind.PointsWeek => day.AddDays(-(((int)day.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7)),
            LeaderboardKind.PointsMonth => new DateOnly(day.Year, day.Month, 1),
            _ => day,
        };
    }

    private void Apply(CommunityScores s, CommunityId community, CommunityEvent e)
    {
        switch (e)
        {
            case MemberJoined joined:
                var m = s.Intern(joined.Member);
                s.JoinedAt[m] = joined.OccurredAt;
                s.SetCity(m, joined.Profile.GetValueOrDefault(ProfileKeys.City));
                break;
            case MemberProfileUpdated updated when updated.Changes.TryGetValue(ProfileKeys.City, out var city):
                s.SetCity(s.Intern(updated.Member), city);
                break;
            case ReferralJoined referral:
                var invitee = s.Intern(referral.Member);
                if (s.Hot[invitee].Parent < 0)
                {
                    s.Hot[invitee].Parent = s.Intern(referral.Inviter);
                }

                break;
            case ScoreChanged score:
                s.Record(s.Intern(score.Member), s.InternType(score.ActivityType), score.Weight, score.OccurredAt);
                break;
            case PointsLedgerEvent ledger:
                var owner = s.Intern(ledger.Member);
                s.Balances[(owner, ledger.Currency)] = s.Balances.GetValueOrDefault((owner, ledger.Currency)) + ledger.Amount;
                if (ledger.Currency == _leaderboardCurrency)
                {
                    Earned(s, community, owner, ledger);
                }

                break;
            case TierChanged changed:
                var member = s.Intern(changed.Member);
                s.Tier[member] = model.TierIndex.GetValueOrDefault(changed.To);
                s.GraceUntil[member] = null;
                break;
            case TierGraceStarted grace:
                s.GraceUntil[s.Intern(grace.Member)] = grace.Until;
                break;
            case TierGraceCleared cleared:
                s.GraceUntil[s.Intern(cleared.Member)] = null;
                break;
            case TierEndorsed endorsed:
                var key = (s.Intern(endorsed.Member), model.TierIndex[endorsed.Tier]);
                if (!s.Endorsers.TryGetValue(key, out var endorsers))
                {
                    s.Endorsers[key] = endorsers = [];
                }

                endorsers.Add(s.Intern(endorsed.Endorser));
                break;
            case TierLocked locked:
                s.LockedTier[s.Intern(locked.Member)] = locked.Tier is null ? -1 : model.TierIndex[locked.Tier];
                break;
        }
    }

    /// <summary>Points earned feed the day/week/month boards; a reversal takes them back from the window they were earned in.</summary>
    private void Earned(CommunityScores s, CommunityId community, int member, PointsLedgerEvent ledger)
    {
        DateTimeOffset at;
        decimal amount;
        switch (ledger)
        {
            case PointsAwarded award:
                at = award.OccurredAt;
                amount = award.Amount;
                s.LeaderboardAwards[(award.ActivityId, award.Index)] = (at, amount);
                break;
            case PointsReversed reversed when s.LeaderboardAwards.TryGetValue((reversed.ReversedActivityId, reversed.ReversedIndex), out var original):
                at = original.At;
                amount = -original.Amount;
                break;
            default:
                return;
        }

        foreach (var kind in (ReadOnlySpan<LeaderboardKind>)[LeaderboardKind.PointsDay, LeaderboardKind.PointsWeek, LeaderboardKind.PointsMonth])
        {
            var period = Period(community, kind, at);
            Board(s, (kind, period, -1)).Add(member, (double)amount);
            if (s.Hot[member].City >= 0)
            {
                Board(s, (kind, period, s.Hot[member].City)).Add(member, (double)amount);
            }
        }
    }

    private static OrderStatisticTree Board(CommunityScores s, (LeaderboardKind, DateOnly, int) key)
    {
        if (!s.PointsBoards.TryGetValue(key, out var board))
        {
            s.PointsBoards[key] = board = new OrderStatisticTree();
        }

        return board;
    }
}
