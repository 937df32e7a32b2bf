using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>Which activities were reversed (within the reversal window), so each is reversed once.</summary>
internal sealed class ReversalLedger
{
    public HashSet<long> Reversed { get; } = [];

    public Queue<(long SourceId, DateTimeOffset SourceAt)> ByAge { get; } = new();
}

/// <summary>Folds <see cref="ActivityReversed"/>: the reversed sources, pruned past <see cref="CommunityOptions.ReversalWindow"/>.</summary>
internal sealed class ReversalProjection(IOptionsMonitor<CommunityOptions> options) : CommunityProjection<ReversalLedger>
{
    private readonly TimeSpan _window = options.CurrentValue.ReversalWindow;

    public override string Name => "reversals";

    public override string RulesFingerprint => _window.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override bool SupportsSnapshots => true;

    protected override ReversalLedger Create(CommunityId community, CommunityMembers members) => new();

    protected override void Apply(ReversalLedger state, CommittedActivity committed, CommunityMembers members)
    {
        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            if (e is ActivityReversed reversed && state.Reversed.Add(reversed.SourceActivityId))
            {
                state.ByAge.Enqueue((reversed.SourceActivityId, reversed.SourceOccurredAt));
            }
        }

        // A source older than the window can no longer be reversed, so it need not be remembered.
        var horizon = committed.EffectiveTime - _window;
        while (state.ByAge.TryPeek(out var oldest) && oldest.SourceAt < horizon)
        {
            state.Reversed.Remove(state.ByAge.Dequeue().SourceId);
        }
    }

    protected override void Write(ReversalLedger state, SnapshotWriter writer)
    {
        writer.Write(state.ByAge.Count);
        foreach (var (id, at) in state.ByAge)
        {
            writer.Write(id);
            writer.Write(at);
        }
    }

    protected override ReversalLedger Read(CommunityId community, CommunityMembers members, SnapshotReader reader)
    {
        var state = new ReversalLedger();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var id = reader.ReadInt64();
            state.Reversed.Add(id);
            state.ByAge.Enqueue((id, reader.ReadDateTimeOffset()));
        }

        return state;
    }
}

/// <summary>
/// The core reactor of <see cref="CommunityActivityTypes.Reverse"/> (order 10, after membership, before every
/// feature): finds the source activity (in the running batch or the store), checks it, and emits
/// <see cref="ActivityReversed"/>; features react to that.
/// </summary>
internal sealed class ReversalReactor(ReversalProjection projection, ICommunityStore store, IOptionsMonitor<CommunityOptions> options) : IActivityReactor
{
    /// <summary>The points feature's command of earlier versions, still honoured when replaying old logs.</summary>
    internal const string LegacyPointsReverse = "points.reverse";

    public int Order => 10;

    public async ValueTask ReactAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var type = context.Activity.Type;
        if (type is not (CommunityActivityTypes.Reverse or LegacyPointsReverse))
        {
            return;
        }

        var key = context.Activity.GetRequiredString(CommunityActivityTypes.SourceAttribute);
        var reason = context.Activity.GetRequiredString(CommunityActivityTypes.ReasonAttribute);
        var source = BatchLog.Find(context, key) ?? await store.FindAsync(context.Community, key, cancellationToken).ConfigureAwait(false)
            ?? throw new CommunityValidationException(CommunityActivityTypes.SourceAttribute, $"no activity was recorded under '{key}'");
        if (source.Activity.Member != context.Member)
        {
            throw new CommunityValidationException(CommunityActivityTypes.SourceAttribute, $"'{key}' is an activity of another member");
        }

        if (source.Activity.Type is CommunityActivityTypes.Reverse or LegacyPointsReverse)
        {
            throw new CommunityValidationException(CommunityActivityTypes.SourceAttribute, "a reversal cannot be reversed");
        }

        if (projection.Of(context).Reversed.Contains(source.ActivityId))
        {
            return; // reversed before: a second reversal changes nothing
        }

        if (source.EffectiveTime < context.EffectiveTime - options.CurrentValue.ReversalWindow)
        {
            throw new CommunityValidationException(CommunityActivityTypes.SourceAttribute, $"'{key}' is older than the reversal window ({options.CurrentValue.ReversalWindow.TotalDays:0} days)");
        }

        ActivityReversal.Set(context, source);
        context.Emit(new ActivityReversed
        {
            Member = source.Activity.Member,
            SourceKey = key,
            SourceActivityId = source.ActivityId,
            SourceType = source.Activity.Type,
            SourceOccurredAt = source.EffectiveTime,
            Reason = reason,
        });
    }
}

/// <summary>The activities a write batch folded before its commit, by idempotency key (reactors look sources up here first).</summary>
internal sealed class BatchLog
{
    private const int ScanUpTo = 16;
    private readonly List<CommittedActivity> _small = [];
    private Dictionary<string, CommittedActivity>? _byKey; // once the log outgrows a scan

    public void Add(CommittedActivity committed)
    {
        if (_byKey is { } byKey)
        {
            byKey[committed.Activity.IdempotencyKey] = committed;
            return;
        }

        _small.Add(committed);
        if (_small.Count > ScanUpTo)
        {
            _byKey = new(StringComparer.Ordinal);
            foreach (var kept in _small)
            {
                _byKey[kept.Activity.IdempotencyKey] = kept;
            }

            _small.Clear();
        }
    }

    public CommittedActivity? Find(string key)
    {
        if (_byKey is { } byKey)
        {
            return byKey.GetValueOrDefault(key);
        }

        foreach (var committed in _small)
        {
            if (string.Equals(committed.Activity.IdempotencyKey, key, StringComparison.Ordinal))
            {
                return committed;
            }
        }

        return null;
    }

    public void Remove(string key)
    {
        if (_byKey is { } byKey)
        {
            byKey.Remove(key);
        }
        else
        {
            _small.RemoveAll(c => string.Equals(c.Activity.IdempotencyKey, key, StringComparison.Ordinal));
        }
    }

    public static CommittedActivity? Find(ActivityContext context, string key) =>
        context.GetOrAddState<BatchLog>(static () => new BatchLog()).Find(key);
}
