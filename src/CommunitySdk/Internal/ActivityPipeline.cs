using System.Diagnostics;
using CommunitySdk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Internal;

/// <summary>
/// The one flow: validate → dedupe by idempotency key → run reactors in order in one unit of work →
/// commit log entry, events and outbox atomically → apply projections → publish.
/// </summary>
internal sealed partial class ActivityPipeline : ICommunity
{
    private readonly ICommunityStore _store;
    private readonly ProjectionCoordinator _projections;
    private readonly IActivityReactor[] _reactors;
    private readonly ICommunityCalendar _calendar;
    private readonly TimeProvider _time;
    private readonly CommunityMetrics _metrics;
    private readonly ICommunityOutbox _outbox;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly ILogger<ActivityPipeline> _logger;
    private readonly ICommunityResolver _communities;

    public ActivityPipeline(
        ICommunityStore store,
        ProjectionCoordinator projections,
        IEnumerable<IActivityReactor> reactors,
        ICommunityCalendar calendar,
        TimeProvider time,
        CommunityMetrics metrics,
        ICommunityOutbox outbox,
        IOptionsMonitor<CommunityOptions> options,
        ICommunityResolver communities,
        ILogger<ActivityPipeline> logger)
    {
        _communities = communities;
        _store = store;
        _projections = projections;
        _reactors = OrderReactors(reactors);
        _calendar = calendar;
        _time = time;
        _metrics = metrics;
        _outbox = outbox;
        _options = options;
        _logger = logger;
        _ = options.CurrentValue; // validates the options now rather than on the first activity
    }

    /// <summary>The reactors in the order they run: by <see cref="IActivityReactor.Order"/>, then registration order.</summary>
    internal IReadOnlyList<IActivityReactor> Reactors => _reactors;

    internal static IActivityReactor[] OrderReactors(IEnumerable<IActivityReactor> reactors) =>
        reactors.Select((reactor, index) => (reactor, index))
            .OrderBy(r => r.reactor.Order)
            .ThenBy(r => r.index)
            .Select(r => r.reactor)
            .ToArray();

    public async ValueTask<ActivityOutcome> RecordAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var started = Stopwatch.GetTimestamp();
        using var trace = CommunityMetrics.Source.StartActivity("community.record");
        trace?.SetTag("community.id", activity.Community.Value);
        trace?.SetTag("activity.type", activity.Type);
        var typeTag = new KeyValuePair<string, object?>("activity.type", activity.Type);
        try
        {
            var outcome = await RecordCoreAsync(activity, cancellationToken).ConfigureAwait(false);
            trace?.SetTag("activity.id", outcome.ActivityId);
            trace?.SetTag("activity.duplicate", outcome.IsDuplicate);
            (outcome.IsDuplicate ? _metrics.Duplicates : _metrics.Recorded).Add(1, typeTag);
            if (!outcome.IsDuplicate && outcome.Effects.Count > 0 && _options.CurrentValue.PublishEventsInline)
            {
                await PublishAsync(cancellationToken).ConfigureAwait(false);
            }

            return outcome;
        }
        catch (Exception ex)
        {
            _metrics.Failed.Add(1, typeTag, new KeyValuePair<string, object?>("error.type", ex.GetType().Name));
            trace?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            _metrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, typeTag);
        }
    }

    public async ValueTask<ActivityPage> GetHistoryAsync(CommunityId community, MemberId member, ActivityPageRequest? page = null, CancellationToken cancellationToken = default)
    {
        RequireIds(community, member);
        page ??= new ActivityPageRequest();
        page.Validate();
        await RequireKnownAsync(_communities, community, cancellationToken).ConfigureAwait(false);
        return await _store.GetMemberActivitiesAsync(community, member, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses a community the host did not declare, before anything is allocated for it.</summary>
    internal static async ValueTask RequireKnownAsync(ICommunityResolver communities, CommunityId community, CancellationToken cancellationToken)
    {
        var exists = communities.ExistsAsync(community, cancellationToken);
        if (!(exists.IsCompletedSuccessfully ? exists.Result : await exists.ConfigureAwait(false)))
        {
            throw new UnknownCommunityException(community);
        }
    }

    private async ValueTask<ActivityOutcome> RecordCoreAsync(Activity input, CancellationToken cancellationToken)
    {
        input.Validate();
        await RequireKnownAsync(_communities, input.Community, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var skew = _options.CurrentValue.MaxClockSkew;
        if (input.OccurredAt is { } occurredAt && occurredAt > now + skew)
        {
            throw new CommunityValidationException("activity.occurredAt", $"must not be more than {skew} in the future");
        }

        var activity = Normalize(input);
        var fingerprint = ActivityFingerprint.Compute(activity);
        var community = activity.Community;

        // A retry usually finds its first outcome without waiting for the writer.
        var existing = await _store.FindAsync(community, activity.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return Duplicate(existing, fingerprint);
        }

        var session = await _store.BeginWriteAsync(community, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            existing = await session.FindAsync(activity.IdempotencyKey, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return Duplicate(existing, fingerprint);
            }

            using var lease = await _projections.EnterAsync(community, session.LastActivityId, cancellationToken).ConfigureAwait(false);
            var context = new ActivityContext(activity, session.LastActivityId + 1, now, _calendar.GetTimeZone(community));
            await RunReactorsAsync(_reactors, context, cancellationToken).ConfigureAwait(false);

            var committed = new CommittedActivity(context.ActivityId, activity, now, fingerprint, context.Events.ToArray());

            // Once the commit starts it finishes: cancelling now would leave the caller unsure whether it happened.
            await session.CommitAsync(committed, CancellationToken.None).ConfigureAwait(false);
            lease.Apply(committed);
            return new ActivityOutcome(committed, isDuplicate: false);
        }
    }

    internal static async ValueTask RunReactorsAsync(IActivityReactor[] reactors, ActivityContext context, CancellationToken cancellationToken)
    {
        foreach (var reactor in reactors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await reactor.ReactAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ActivityOutcome Duplicate(CommittedActivity existing, string fingerprint)
    {
        if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new IdempotencyConflictException(existing.Activity.Community, existing.Activity.IdempotencyKey, existing.ActivityId);
        }

        return new ActivityOutcome(existing, isDuplicate: true);
    }

    /// <summary>A private copy with attributes sorted and frozen, so later changes by the caller cannot reach the log.</summary>
    private static Activity Normalize(Activity activity)
    {
        var attributes = activity.Attributes.Count == 0
            ? activity.Attributes
            : new SortedDictionary<string, string>(activity.Attributes.ToDictionary(), StringComparer.Ordinal).AsReadOnly();
        return new Activity
        {
            IdempotencyKey = activity.IdempotencyKey,
            Community = activity.Community,
            Member = activity.Member,
            Type = activity.Type,
            OccurredAt = activity.OccurredAt,
            Value = activity.Value,
            Attributes = attributes,
        };
    }

    private async ValueTask PublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.RelayPendingAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The activity is committed; a failing publish is retried from the outbox, not reported as a failed record.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex);
        }
    }

    internal static void RequireIds(CommunityId community, MemberId member)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        if (member.IsEmpty)
        {
            throw new CommunityValidationException("member", "is required");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing events after commit failed; they stay in the outbox")]
    private partial void LogPublishFailed(Exception exception);
}
