using CommunitySdk.Contests;
using CommunitySdk.Contests.Internal;
using CommunitySdk.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace CommunitySdk.Benchmarks.Contests;

/// <summary>
/// One community's members (with an invite forest: 98 % invited by an earlier member) and one contest in its voting
/// phase with a number of accepted entries, built straight from the internals so a benchmark can run the contest
/// reactor (every rule: phase, entry, budget, self-vote, late joiner, author branch, burst) and the fold (vote, ranking,
/// hot list) for one command, exactly as the pipeline does inside a unit of work, without the log around it.
/// </summary>
internal sealed class ContestWorkload : IDisposable
{
    public const string Contest = "bench";
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services;
    private readonly CommunityStates _states;
    private long _id;

    public ContestWorkload(int members, int entries, int seed = 7)
    {
        var services = new ServiceCollection();
        services.AddCommunitySdk(o => o.AllowUndeclaredCommunities = true)
            .AddContests(c => c.Contest(Contest, "Bench", new DateTime(2026, 1, 1), new DateTime(2026, 1, 2), new DateTime(2099, 1, 1), d => d.MaxEntriesPerMember = 100));
        _services = services.BuildServiceProvider();
        Projection = _services.GetRequiredService<ContestProjection>();
        Projection.Slot = 0;
        Reactor = _services.GetServices<IActivityReactor>().OfType<ContestReactor>().Single();
        Community = new CommunityId("bench");
        Members = new CommunityMembers(Community);
        Ids = new MemberId[members];
        var random = new Random(seed);
        for (var m = 0; m < members; m++)
        {
            Ids[m] = new MemberId($"m{m}");
            var index = Members.Intern(Ids[m]);
            Members.Join(index, Start.AddDays(-30), new Dictionary<string, string>());
            if (m > 0 && random.Next(50) > 0)
            {
                Members.SetInviter(index, random.Next(m));
            }
        }

        State = (CommunityContests)Projection.CreateState(Community, Members);
        _states = new CommunityStates(Community, Members, [State], throwaway: false);
        for (var e = 0; e < entries; e++)
        {
            var author = Ids[random.Next(members)];
            var submitted = new EntrySubmitted { Member = author, Contest = Contest, Entry = (e + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Title = $"idea {e}", Status = EntryStatus.Accepted, OccurredAt = Start };
            Projection.ApplyState(State, new CommittedActivity(++_id, Make(author, ContestActivityTypes.Submit, e + 1), Start, "fp", [submitted]), Members);
        }
    }

    public ContestProjection Projection { get; }

    public ContestReactor Reactor { get; }

    public CommunityId Community { get; }

    public CommunityMembers Members { get; }

    public MemberId[] Ids { get; }

    public CommunityContests State { get; }

    public ContestState Bench => State.Contests[Contest];

    /// <summary>A vote or unvote command of a member for an entry (1-based).</summary>
    public Activity Make(MemberId member, string type, int entry) => new()
    {
        IdempotencyKey = "k",
        Community = Community,
        Member = member,
        Type = type,
        Attributes = new Dictionary<string, string> { ["contest"] = Contest, ["entry"] = entry.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    /// <summary>What the pipeline does with one command in a unit of work: the reactor decides, the fold applies its events.</summary>
    public int Execute(Activity activity, DateTimeOffset at)
    {
        var context = new ActivityContext(activity, ++_id, at, TimeZoneInfo.Utc);
        context.GetOrAddState(_states, static s => s);
        var reacted = Reactor.ReactAsync(context, CancellationToken.None);
        if (!reacted.IsCompletedSuccessfully)
        {
            reacted.AsTask().GetAwaiter().GetResult();
        }

        Projection.ApplyState(State, new CommittedActivity(_id, activity, at, "fp", context.Events), Members);
        return context.Events.Count;
    }

    public void Dispose() => _services.Dispose();
}
