using System.Collections.Concurrent;

namespace CommunitySdk.Testing;

/// <summary>An event a test reactor emits: "the reactor named <see cref="Reactor"/> saw the activity".</summary>
public sealed record Counted : CommunityEvent
{
    public required string Reactor { get; init; }

    public decimal Value { get; init; }
}

/// <summary>A reactor that records the order it ran in and emits one <see cref="Counted"/> per activity.</summary>
public abstract class RecordingReactor(int order, string name, RunLog log) : IActivityReactor
{
    public int Order => order;

    public int Calls => _calls;

    private int _calls;

    public virtual ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        log.Add(name);
        context.Emit(new Counted { Member = context.Member, Reactor = name, Value = context.Activity.Value ?? 0 });
        return ValueTask.CompletedTask;
    }
}

/// <summary>The order reactors ran in.</summary>
public sealed class RunLog
{
    private readonly ConcurrentQueue<string> _names = new();

    public IReadOnlyList<string> Names => _names.ToArray();

    public void Add(string name) => _names.Enqueue(name);
}

public sealed class EarlyReactor(RunLog log) : RecordingReactor(10, "early", log);

public sealed class LateReactor(RunLog log) : RecordingReactor(500, "late", log);

/// <summary>Throws for activities of type <c>boom</c>, after the other reactors emitted effects.</summary>
public sealed class ThrowingReactor : IActivityReactor
{
    public int Order => 900;

    public ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken) =>
        context.Activity.Type == "boom" ? throw new InvalidOperationException("boom") : ValueTask.CompletedTask;
}

/// <summary>Sums the <see cref="Counted"/> values per member: a projection to compare live and replayed state.</summary>
public sealed class CountingProjection : ICommunityProjection
{
    private readonly ConcurrentDictionary<(CommunityId, MemberId), (int Count, decimal Sum)> _totals = new();

    public void Apply(CommittedActivity committed)
    {
        foreach (var counted in committed.Events.OfType<Counted>())
        {
            _totals.AddOrUpdate((counted.Community, counted.Member), (1, counted.Value), (_, t) => (t.Count + 1, t.Sum + counted.Value));
        }
    }

    public void Reset(CommunityId community)
    {
        foreach (var key in _totals.Keys.Where(k => k.Item1 == community))
        {
            _totals.TryRemove(key, out _);
        }
    }

    public (int Count, decimal Sum) Get(CommunityId community, MemberId member) => _totals.GetValueOrDefault((community, member));

    public IReadOnlyDictionary<string, (int Count, decimal Sum)> Snapshot(CommunityId community) =>
        _totals.Where(t => t.Key.Item1 == community).ToDictionary(t => t.Key.Item2.Value, t => t.Value);
}
