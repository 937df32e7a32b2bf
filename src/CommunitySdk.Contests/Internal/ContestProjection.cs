using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CommunitySdk.Projections;
using CommunitySdk.Scoring;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Contests.Internal;

/// <summary>
/// Contest state folded from the log, per community: entries, live votes, rankings (the core's ranked set, O(log n)),
/// hot lists by forward-decayed votes, fraud-rule counters and results. The reactor decides; this only folds, so a
/// replay reaches exactly the live state.
/// </summary>
internal sealed class ContestProjection(IOptions<ContestOptions> options, ICommunityCalendar calendar) : CommunityProjection<CommunityContests>
{
    /// <summary>Rebase the hot list before exp(λ·Δt) grows past this exponent.</summary>
    private const double MaxExponent = 30;

    private ContestOptions Settings => options.Value;

    public override string Name => "contests";

    public override bool SupportsSnapshots => true;

    public override string RulesFingerprint => string.Join(
        ';',
        Settings.HotHalfLife.Ticks,
        Settings.Fraud.BranchLevels,
        string.Join(',', Settings.TierWeights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key}={w.Value:R}"))),
        TracksTiers,
        TracksScores);

    public double Lambda => Math.Log(2) / Settings.HotHalfLife.TotalSeconds;

    // Read once (options are fixed after start): the fold asks on every scored activity.
    private bool? _tracksTiers;
    private bool? _tracksScores;

    public bool TracksTiers => _tracksTiers ??= Settings.TierWeights.Count > 0 || Settings.Contests.Values.Any(c => c.EligibleTiers.Count > 0);

    public bool TracksScores => _tracksScores ??= Settings.Contests.Values.Any(c => c.MinScore > 0);

    /// <summary>The contest's definition for a community, or <see cref="ContestNotFoundException"/>.</summary>
    public ContestDefinition Definition(CommunityId community, string contest) =>
        contest is not null && Settings.Contests.TryGetValue(contest, out var definition) && (definition.Community is null || definition.Community == community.Value)
            ? definition
            : throw new ContestNotFoundException(community, contest ?? string.Empty);

    /// <summary>The contests a community runs, in definition order.</summary>
    public IEnumerable<(string Id, ContestDefinition Definition)> ContestsOf(CommunityId community) =>
        Settings.Contests.Where(c => c.Value.Community is null || c.Value.Community == community.Value).Select(c => (c.Key, c.Value));

    public (DateTimeOffset Submission, DateTimeOffset Voting, DateTimeOffset End) Schedule(CommunityId community, ContestDefinition definition) =>
        (calendar.At(community, definition.SubmissionStartsAt), calendar.At(community, definition.VotingStartsAt), calendar.At(community, definition.VotingEndsAt));

    public static ContestPhase Phase((DateTimeOffset Submission, DateTimeOffset Voting, DateTimeOffset End) schedule, ContestState? state, DateTimeOffset at) =>
        state?.Finished == true ? ContestPhase.Finished
        : at < schedule.Submission ? ContestPhase.Upcoming
        : at < schedule.Voting ? ContestPhase.Submission
        : at < schedule.End ? ContestPhase.Voting
        : ContestPhase.Judging;

    public double WeightOf(CommunityContests state, int member) =>
        Settings.TierWeights.Count > 0 && state.Tiers.TryGetValue(member, out var tier) && Settings.TierWeights.TryGetValue(tier, out var weight) ? weight : 1;

    /// <summary>Whether two members have a common inviter (or one invited the other) within <c>BranchLevels</c> of both.</summary>
    public bool SharesBranch(CommunityMembers members, int a, int b)
    {
        var levels = Settings.Fraud.BranchLevels;
        Span<int> up = stackalloc int[6];
        var n = members.Ancestors(a, up[..levels]);
        Span<int> other = stackalloc int[6];
        var m = members.Ancestors(b, other[..levels]);
        for (var i = -1; i < n; i++)
        {
            var x = i < 0 ? a : up[i];
            for (var j = -1; j < m; j++)
            {
                if (x == (j < 0 ? b : other[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A member's branch for the burst rule: their inviter <c>BranchLevels</c> up (or the highest one), else themselves.</summary>
    public int BranchOf(CommunityMembers members, int member)
    {
        Span<int> up = stackalloc int[6];
        var n = members.Ancestors(member, up[..Settings.Fraud.BranchLevels]);
        return n == 0 ? member : up[n - 1];
    }

    /// <summary>
    /// Votes for an entry from one branch within the burst window before <paramref name="at"/>: the branch's count, less
    /// those at the front of the queue that the window has left since the fold last pruned it (only those are scanned).
    /// </summary>
    public int RecentFrom(EntryState entry, int branch, DateTimeOffset at)
    {
        var count = entry.RecentByBranch.GetValueOrDefault(branch);
        if (count == 0)
        {
            return 0;
        }

        var horizon = at - Settings.Fraud.BurstWindow;
        foreach (var (when, from) in entry.Recent)
        {
            if (when > horizon)
            {
                break;
            }

            count -= from == branch ? 1 : 0;
        }

        return count;
    }

    protected override CommunityContests Create(CommunityId community, CommunityMembers members) => new();

    protected override void Apply(CommunityContests s, CommittedActivity committed, CommunityMembers members)
    {
        var events = committed.Events;
        for (var n = 0; n < events.Count; n++)
        {
            switch (events[n])
            {
                case TierChanged tier when TracksTiers:
                    s.Tiers[members.Intern(tier.Member)] = tier.To;
                    break;
                case ScoreChanged score when TracksScores:
                    s.Scores[members.Intern(score.Member)] = score.Engagement;
                    break;
                case EntrySubmitted submitted:
                    OnSubmitted(s.Contest(submitted.Contest), submitted, members);
                    break;
                case EntryEdited edited when s.Contest(edited.Contest).Find(edited.Entry) is { } entry:
                    entry.Title = edited.Title;
                    entry.Text = edited.Text;
                    break;
                case EntryWithdrawn withdrawn when s.Contest(withdrawn.Contest) is var c && c.Find(withdrawn.Entry) is { } entry:
                    SetStatus(c, entry, EntryStatus.Withdrawn, null);
                    break;
                case EntryModerated moderated when s.Contest(moderated.Contest) is var c && c.Find(moderated.Entry) is { } entry:
                    SetStatus(c, entry, moderated.Accepted ? EntryStatus.Accepted : EntryStatus.Rejected, moderated.Reason);
                    break;
                case VoteCast vote when s.Contest(vote.Contest) is var c && c.Find(vote.Entry) is { } entry:
                    OnVote(c, entry, vote, members);
                    break;
                case VoteRevoked revoked when s.Contest(revoked.Contest) is var c && c.Find(revoked.Entry) is { } entry:
                    OnRevoked(c, entry, members.Intern(revoked.Member));
                    break;
                case EntryReported report when s.Contest(report.Contest).Find(report.Entry) is { } entry:
                    (entry.Reporters ??= []).Add(members.Intern(report.Member));
                    entry.ReportReasons.Enqueue(report.Reason);
                    if (entry.ReportReasons.Count > EntryState.MaxReportReasons)
                    {
                        entry.ReportReasons.Dequeue();
                    }

                    break;
                case VotesReviewed review when s.Contest(review.Contest) is var c && c.Find(review.Entry) is { } entry:
                    foreach (var voter in review.Voters)
                    {
                        OnReviewed(c, entry, members.Intern(voter), review.Approved);
                    }

                    break;
                case EntryShortlisted shortlisted when s.Contest(shortlisted.Contest) is var c && c.Find(shortlisted.Entry) is { Shortlisted: false } entry:
                    entry.Shortlisted = true;
                    c.Shortlist.Add(entry.Index);
                    break;
                case ContestFinished finished:
                    var contest = s.Contest(finished.Contest);
                    contest.Winners = [.. finished.Winners];
                    // The results are final: what only voting needed goes (bounded state).
                    contest.Votes.Clear();
                    contest.Votes.TrimExcess();
                    contest.Used.Clear();
                    contest.Used.TrimExcess();
                    contest.VotesBy.Clear();
                    contest.VotesBy.TrimExcess();
                    foreach (var entry in contest.Entries)
                    {
                        entry.Held.Clear();
                        entry.Recent.Clear();
                        entry.RecentByBranch.Clear();
                        entry.Reporters = null;
                    }

                    break;
            }
        }
    }

    private static void OnSubmitted(ContestState contest, EntrySubmitted submitted, CommunityMembers members)
    {
        var coAuthors = new int[submitted.CoAuthors.Count];
        for (var i = 0; i < coAuthors.Length; i++)
        {
            coAuthors[i] = members.Intern(submitted.CoAuthors[i]);
        }

        var entry = new EntryState(contest.Entries.Count, members.Intern(submitted.Member), coAuthors, submitted.OccurredAt)
        {
            Title = submitted.Title,
            Text = submitted.Text,
            Status = EntryStatus.Withdrawn, // SetStatus counts it from here
        };
        contest.Entries.Add(entry);
        SetStatus(contest, entry, submitted.Status, null);
    }

    private static void SetStatus(ContestState contest, EntryState entry, EntryStatus status, string? reason)
    {
        var wasLive = entry.IsLive;
        entry.Status = status;
        entry.ModerationReason = reason ?? entry.ModerationReason;
        if (wasLive != entry.IsLive)
        {
            contest.EntriesBy[entry.Author] = contest.EntriesBy.GetValueOrDefault(entry.Author) + (entry.IsLive ? 1 : -1);
        }

        if (status == EntryStatus.Accepted)
        {
            contest.Ranking.Set(entry.Index, entry.Votes);
        }
        else
        {
            contest.Ranking.Remove(entry.Index);
            contest.Hot.Remove(entry.Index);
        }
    }

    private void OnVote(ContestState contest, EntryState entry, VoteCast cast, CommunityMembers members)
    {
        var voter = members.Intern(cast.Member);
        var vote = new VoteState
        {
            Votes = cast.Votes,
            Weight = cast.Weight,
            Cost = cast.Cost,
            Status = cast.Status,
            Branch = SharesBranch(members, voter, entry.Author),
            At = cast.OccurredAt,
            Reasons = cast.HoldReasons,
        };
        contest.Votes[ContestState.Key(voter, entry.Index)] = vote;
        contest.VotesBy[voter] = contest.VotesBy.GetValueOrDefault(voter) + 1;
        if (vote.Cost != 0)
        {
            contest.Used[voter] = contest.Used.GetValueOrDefault(voter) + vote.Cost; // one vote per entry costs nothing
        }

        var horizon = cast.OccurredAt - Settings.Fraud.BurstWindow;
        while (entry.Recent.Count > 0 && entry.Recent.Peek().At <= horizon)
        {
            var (_, gone) = entry.Recent.Dequeue();
            if (--entry.RecentByBranch[gone] == 0)
            {
                entry.RecentByBranch.Remove(gone);
            }
        }

        var branch = BranchOf(members, voter);
        entry.Recent.Enqueue((cast.OccurredAt, branch));
        entry.RecentByBranch[branch] = entry.RecentByBranch.GetValueOrDefault(branch) + 1;

        if (vote.Status == VoteStatus.Counted)
        {
            Count(contest, entry, vote, +1);
        }
        else
        {
            entry.Held.Add(voter);
        }
    }

    private void OnRevoked(ContestState contest, EntryState entry, int voter)
    {
        var key = ContestState.Key(voter, entry.Index);
        if (!contest.Votes.Remove(key, out var vote))
        {
            return;
        }

        if (--contest.VotesBy[voter] == 0)
        {
            contest.VotesBy.Remove(voter);
        }

        if (vote.Cost != 0)
        {
            contest.Used[voter] -= vote.Cost;
        }

        if (vote.Status == VoteStatus.Counted)
        {
            Count(contest, entry, vote, -1);
        }
        else if (vote.Status == VoteStatus.Held)
        {
            entry.Held.Remove(voter);
        }
    }

    private void OnReviewed(ContestState contest, EntryState entry, int voter, bool approved)
    {
        ref var vote = ref CollectionsMarshal.GetValueRefOrNullRef(contest.Votes, ContestState.Key(voter, entry.Index));
        if (Unsafe.IsNullRef(ref vote))
        {
            return;
        }

        if (vote.Status == VoteStatus.Held)
        {
            entry.Held.Remove(voter);
        }
        else if (vote.Status == VoteStatus.Counted && !approved)
        {
            Count(contest, entry, vote, -1);
        }

        if (approved && vote.Status == VoteStatus.Held)
        {
            Count(contest, entry, vote, +1);
        }

        vote.Status = approved ? VoteStatus.Counted : VoteStatus.Voided;
    }

    /// <summary>Adds a counted vote to (or takes it from) the entry's total, the ranking and the hot list.</summary>
    private void Count(ContestState contest, EntryState entry, in VoteState vote, int sign)
    {
        entry.Votes += sign * vote.Weight;
        entry.Voters += sign;
        entry.BranchVoters += vote.Branch ? sign : 0;
        if (entry.Status == EntryStatus.Accepted)
        {
            contest.Ranking.Set(entry.Index, entry.Votes);
            if (contest.Hot.Count == 0 && sign > 0)
            {
                contest.HotReference = vote.At;
            }

            var exponent = Lambda * (vote.At - contest.HotReference).TotalSeconds;
            if (exponent > MaxExponent)
            {
                contest.Hot.Scale(Math.Exp(-exponent));
                contest.HotReference = vote.At;
                exponent = 0;
            }

            contest.Hot.Add(entry.Index, sign * vote.Weight * Math.Exp(exponent));
        }
    }

    /// <summary>An entry's decayed votes at <paramref name="now"/>.</summary>
    public double HotScore(ContestState contest, int entry, DateTimeOffset now) =>
        contest.Hot.ScoreOf(entry) * Math.Exp(-Lambda * (now - contest.HotReference).TotalSeconds);

    protected override void Write(CommunityContests s, SnapshotWriter writer)
    {
        Write(writer, s.Tiers, (w, v) => w.Write(v));
        Write(writer, s.Scores, (w, v) => w.Write(v));
        writer.Write(s.Contests.Count);
        foreach (var contest in s.Contests.Values)
        {
            writer.Write(contest.Id);
            writer.Write(contest.HotReference);
            writer.Write(contest.Entries.Count);
            foreach (var e in contest.Entries)
            {
                writer.Write(e.Author);
                writer.Write(e.CoAuthors.Length);
                foreach (var co in e.CoAuthors)
                {
                    writer.Write(co);
                }

                writer.Write(e.SubmittedAt);
                writer.Write(e.Title);
                writer.WriteNullable(e.Text);
                writer.Write((int)e.Status);
                writer.WriteNullable(e.ModerationReason);
                writer.Write(e.Votes);
                writer.Write(e.Voters);
                writer.Write(e.BranchVoters);
                writer.Write(e.Held.Count);
                foreach (var h in e.Held)
                {
                    writer.Write(h);
                }

                writer.Write(e.Reporters?.Count ?? -1);
                foreach (var r in e.Reporters ?? [])
                {
                    writer.Write(r);
                }

                writer.Write(e.ReportReasons.Count);
                foreach (var r in e.ReportReasons)
                {
                    writer.Write(r);
                }

                writer.Write(e.Shortlisted);
                writer.Write(e.Recent.Count);
                foreach (var (at, branch) in e.Recent)
                {
                    writer.Write(at);
                    writer.Write(branch);
                }

                writer.Write(contest.Hot.Contains(e.Index));
                writer.Write(contest.Hot.ScoreOf(e.Index));
            }

            writer.Write(contest.Votes.Count);
            foreach (var (key, v) in contest.Votes)
            {
                writer.Write(key);
                writer.Write(v.Votes);
                writer.Write(v.Weight);
                writer.Write(v.Cost);
                writer.Write((int)v.Status);
                writer.Write(v.Branch);
                writer.Write(v.At);
                writer.Write(v.Reasons.Count);
                foreach (var r in v.Reasons)
                {
                    writer.Write(r);
                }
            }

            Write(writer, contest.Used, (w, v) => w.Write(v));
            writer.Write(contest.Shortlist.Count);
            foreach (var i in contest.Shortlist)
            {
                writer.Write(i);
            }

            writer.Write(contest.Winners is not null);
            foreach (var winner in contest.Winners ?? [])
            {
                writer.Write(winner.Place);
                writer.Write(winner.Entry);
                writer.Write(winner.Title);
                writer.Write(winner.Votes);
                writer.Write(winner.Authors.Count);
                foreach (var a in winner.Authors)
                {
                    writer.Write(a.Value);
                }
            }

            if (contest.Winners is not null)
            {
                writer.Write(-1); // end of the winners
            }
        }
    }

    protected override CommunityContests Read(CommunityId community, CommunityMembers members, SnapshotReader reader)
    {
        var s = new CommunityContests();
        Read(reader, s.Tiers, r => r.ReadString());
        Read(reader, s.Scores, r => r.ReadDouble());
        for (var c = reader.ReadInt32(); c > 0; c--)
        {
            var contest = s.Contest(reader.ReadString());
            contest.HotReference = reader.ReadDateTimeOffset();
            var entries = reader.ReadInt32();
            for (var i = 0; i < entries; i++)
            {
                var author = reader.ReadInt32();
                var coAuthors = new int[reader.ReadInt32()];
                for (var k = 0; k < coAuthors.Length; k++)
                {
                    coAuthors[k] = reader.ReadInt32();
                }

                var e = new EntryState(i, author, coAuthors, reader.ReadDateTimeOffset())
                {
                    Title = reader.ReadString(),
                    Text = reader.ReadNullableString(),
                    Status = (EntryStatus)reader.ReadInt32(),
                    ModerationReason = reader.ReadNullableString(),
                    Votes = reader.ReadDouble(),
                    Voters = reader.ReadInt32(),
                    BranchVoters = reader.ReadInt32(),
                };
                for (var k = reader.ReadInt32(); k > 0; k--)
                {
                    e.Held.Add(reader.ReadInt32());
                }

                var reporters = reader.ReadInt32();
                if (reporters >= 0)
                {
                    e.Reporters = [];
                    for (var k = 0; k < reporters; k++)
                    {
                        e.Reporters.Add(reader.ReadInt32());
                    }
                }

                for (var k = reader.ReadInt32(); k > 0; k--)
                {
                    e.ReportReasons.Enqueue(reader.ReadString());
                }

                e.Shortlisted = reader.ReadBoolean();
                for (var k = reader.ReadInt32(); k > 0; k--)
                {
                    var (at, branch) = (reader.ReadDateTimeOffset(), reader.ReadInt32());
                    e.Recent.Enqueue((at, branch));
                    e.RecentByBranch[branch] = e.RecentByBranch.GetValueOrDefault(branch) + 1;
                }

                var hot = reader.ReadBoolean();
                var hotScore = reader.ReadDouble();
                contest.Entries.Add(e);
                if (e.IsLive)
                {
                    contest.EntriesBy[e.Author] = contest.EntriesBy.GetValueOrDefault(e.Author) + 1;
                }

                if (e.Status == EntryStatus.Accepted)
                {
                    contest.Ranking.Set(e.Index, e.Votes);
                }

                if (hot)
                {
                    contest.Hot.Set(e.Index, hotScore);
                }
            }

            for (var v = reader.ReadInt32(); v > 0; v--)
            {
                var key = reader.ReadInt64();
                var vote = new VoteState
                {
                    Votes = reader.ReadInt32(),
                    Weight = reader.ReadDouble(),
                    Cost = reader.ReadInt32(),
                    Status = (VoteStatus)reader.ReadInt32(),
                    Branch = reader.ReadBoolean(),
                    At = reader.ReadDateTimeOffset(),
                };
                var reasons = new string[reader.ReadInt32()];
                for (var k = 0; k < reasons.Length; k++)
                {
                    reasons[k] = reader.ReadString();
                }

                vote.Reasons = reasons;
                contest.Votes[key] = vote;
                var voter = (int)(key >> 32);
                contest.VotesBy[voter] = contest.VotesBy.GetValueOrDefault(voter) + 1;
            }

            Read(reader, contest.Used, r => r.ReadInt32());
            for (var k = reader.ReadInt32(); k > 0; k--)
            {
                contest.Shortlist.Add(reader.ReadInt32());
            }

            if (reader.ReadBoolean())
            {
                contest.Winners = [];
                for (var place = reader.ReadInt32(); place >= 0; place = reader.ReadInt32())
                {
                    var entry = reader.ReadString();
                    var title = reader.ReadString();
                    var votes = reader.ReadDouble();
                    var authors = new MemberId[reader.ReadInt32()];
                    for (var k = 0; k < authors.Length; k++)
                    {
                        authors[k] = new MemberId(reader.ReadString());
                    }

                    contest.Winners.Add(new ContestWinner(place, entry, title, authors, votes));
                }
            }
        }

        return s;
    }

    private static void Write<T>(SnapshotWriter writer, Dictionary<int, T> map, Action<SnapshotWriter, T> value)
    {
        writer.Write(map.Count);
        foreach (var (key, v) in map)
        {
            writer.Write(key);
            value(writer, v);
        }
    }

    private static void Read<T>(SnapshotReader reader, Dictionary<int, T> map, Func<SnapshotReader, T> value)
    {
        for (var n = reader.ReadInt32(); n > 0; n--)
        {
            var key = reader.ReadInt32();
            map[key] = value(reader);
        }
    }
}
