using System.Text.Json;
using CommunitySdk.Projections;
using CommunitySdk.Storage;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>Rebuild (stored events into live state), replay (this host's rules over the log) and preview (over any log), the last two on throwaway state.</summary>
internal sealed class CommunityReplayer(
    ICommunityStore store,
    ProjectionCoordinator projections,
    IEnumerable<IActivityReactor> reactors,
    ICommunityCalendar calendar,
    ICommunityResolver communities,
    IOptionsMonitor<CommunityOptions> options) : ICommunityReplayer
{
    private readonly IActivityReactor[] _reactors = ActivityPipeline.OrderReactors(reactors);

    public async ValueTask<RebuildResult> RebuildAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        await RequireAsync(community, cancellationToken).ConfigureAwait(false);
        return await projections.RebuildAsync(community, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ReplayResult> ReplayAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        await RequireAsync(community, cancellationToken).ConfigureAwait(false);
        return await RunAsync(community, store.ReadLogAsync(community, 0, cancellationToken), rememberSources: false, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ReplayResult> PreviewAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        await RequireAsync(community, cancellationToken).ConfigureAwait(false);
        return await RunAsync(community, log, rememberSources: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the reactors over the log on a throwaway state set, folding what they produce now. A preview's log may come
    /// from another store, so it remembers the activities of the reversal window for reversals to find their source.
    /// </summary>
    private async ValueTask<ReplayResult> RunAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, bool rememberSources, CancellationToken cancellationToken)
    {
        var states = projections.CreateThrowaway(community);
        var zone = calendar.GetTimeZone(community);
        var window = options.CurrentValue.ReversalWindow;
        var sources = new BatchLog();
        var recent = new Queue<(DateTimeOffset At, string Key)>();
        int activities = 0, events = 0;
        var changed = new List<long>();
        var failed = new List<ReplayFailure>();
        await foreach (var recorded in log.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Activity.Community != community)
            {
                throw new CommunityValidationException("log", $"activity {recorded.ActivityId} belongs to community '{recorded.Activity.Community}'");
            }

            activities++;
            var context = new ActivityContext(recorded.Activity, recorded.ActivityId, recorded.RecordedAt, zone, isReplay: true);
            context.GetOrAddState(states, static s => s);
            context.GetOrAddState(sources, static s => s);
            CommunityEvent[] produced;
            try
            {
                await ActivityPipeline.RunReactorsAsync(_reactors, context, cancellationToken).ConfigureAwait(false);
                produced = [.. context.Events];
            }
            catch (CommunityException ex)
            {
                failed.Add(new ReplayFailure(recorded.ActivityId, ex.Message));
                produced = [];
            }

            events += produced.Length;
            if (!SameEvents(recorded.Events, produced))
            {
                changed.Add(recorded.ActivityId);
            }

            var now = recorded with { Events = produced };
            projections.Apply(states, now);
            if (rememberSources)
            {
                sources.Add(now);
                recent.Enqueue((recorded.EffectiveTime, recorded.Activity.IdempotencyKey));
                while (recent.TryPeek(out var oldest) && oldest.At < recorded.EffectiveTime - window)
                {
                    sources.Remove(recent.Dequeue().Key);
                }
            }
        }

        return new ReplayResult(activities, events, changed, failed);
    }

    /// <summary>Compares events by value (their JSON), since records holding collections compare by reference.</summary>
    private static bool SameEvents(IReadOnlyList<CommunityEvent> recorded, CommunityEvent[] produced)
    {
        if (recorded.Count != produced.Length)
        {
            return false;
        }

        for (var i = 0; i < recorded.Count; i++)
        {
            if (recorded[i].GetType() != produced[i].GetType()
                || JsonSerializer.Serialize(recorded[i], recorded[i].GetType()) != JsonSerializer.Serialize(produced[i], produced[i].GetType()))
            {
                return false;
            }
        }

        return true;
    }

    private ValueTask RequireAsync(CommunityId community, CancellationToken cancellationToken)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        return ActivityPipeline.RequireKnownAsync(communities, community, cancellationToken);
    }
}
