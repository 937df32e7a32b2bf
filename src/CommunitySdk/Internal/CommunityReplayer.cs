using System.Text.Json;
using CommunitySdk.Storage;

namespace CommunitySdk.Internal;

/// <summary>Re-runs the reactors over a log to rebuild (or preview) projections.</summary>
internal sealed class CommunityReplayer(
    ICommunityStore store,
    ProjectionCoordinator projections,
    IEnumerable<IActivityReactor> reactors,
    ICommunityCalendar calendar) : ICommunityReplayer
{
    private readonly IActivityReactor[] _reactors = ActivityPipeline.OrderReactors(reactors);

    public async ValueTask<ReplayResult> ReplayAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        RequireCommunity(community);

        // Hold the writer so no activity is recorded while projections are rebuilt.
        var session = await store.BeginWriteAsync(community, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return await RunAsync(community, store.ReadLogAsync(community, 0, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<ReplayResult> PreviewAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, CancellationToken cancellationToken = default)
    {
        RequireCommunity(community);
        ArgumentNullException.ThrowIfNull(log);
        return RunAsync(community, log, cancellationToken);
    }

    private async ValueTask<ReplayResult> RunAsync(CommunityId community, IAsyncEnumerable<CommittedActivity> log, CancellationToken cancellationToken)
    {
        using var lease = await projections.EnterForReplayAsync(community, cancellationToken).ConfigureAwait(false);
        var zone = calendar.GetTimeZone(community);
        int activities = 0, events = 0;
        var changed = new List<long>();
        var failed = new List<ReplayFailure>();
        await foreach (var recorded in log.ConfigureAwait(false))
        {
            if (recorded.Activity.Community != community)
            {
                throw new CommunityValidationException("log", $"activity {recorded.ActivityId} belongs to community '{recorded.Activity.Community}'");
            }

            activities++;
            var context = new ActivityContext(recorded.Activity, recorded.ActivityId, recorded.RecordedAt, zone, isReplay: true);
            CommunityEvent[] produced;
            try
            {
                await ActivityPipeline.RunReactorsAsync(_reactors, context, cancellationToken).ConfigureAwait(false);
                produced = context.Events.ToArray();
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

            lease.Apply(recorded with { Events = produced });
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

    private static void RequireCommunity(CommunityId community)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }
    }
}
