using System.Collections.Concurrent;
using System.Diagnostics;
using CommunitySdk.Referrals;
using CommunitySdk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Projections;

/// <summary>A projection type registered with <c>builder.AddProjection&lt;T&gt;()</c>; the coordinator creates it.</summary>
internal sealed record ProjectionRegistration(Type Type);

/// <summary>
/// Keeps every community's projection state: the first fold (newest snapshot, then the log's tail) happens once per
/// community and outside any write session, shared by concurrent first requests; a reader catches up with commits of
/// other writers; a projection that throws is faulted (its queries and the community's writes refuse) until a rebuild;
/// snapshots are taken in the background from committed state. Feature projections fold after the core's member
/// directory, in registration order.
/// </summary>
internal sealed partial class ProjectionCoordinator : IProjectionSynchronizer
{
    private const string Magic = "CSDKSNAP";
    private const int SnapshotFormat = 1;
    private const string MembersSection = "members";

    private readonly CommunityProjection[] _projections;
    private readonly ICommunityProjection[] _legacy;
    private readonly ConcurrentDictionary<CommunityId, CommunityStates> _live = new();
    private readonly ICommunityStore _store;
    private readonly ICommunitySnapshotStore? _snapshots;
    private readonly ICommunityResolver _communities;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ProjectionCoordinator> _logger;
    private readonly string? _snapshotsOffBecause;

    public ProjectionCoordinator(
        IServiceProvider services,
        ICommunityStore store,
        IEnumerable<ProjectionRegistration> registrations,
        IEnumerable<ICommunityProjection> legacy,
        ICommunityResolver communities,
        IOptionsMonitor<CommunityOptions> options,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null)
    {
        _store = store;
        _snapshots = store as ICommunitySnapshotStore;
        _communities = communities;
        _options = options;
        _time = time;
        _logger = Internal.SdkLogging.For<ProjectionCoordinator>(loggerFactory);
        _legacy = legacy.ToArray();
        _projections = registrations.DistinctBy(r => r.Type).Select(r => (CommunityProjection)ActivatorUtilities.CreateInstance(services, r.Type)).ToArray();
        for (var slot = 0; slot < _projections.Length; slot++)
        {
            _projections[slot].Slot = slot;
            _projections[slot].Coordinator = this;
        }

        _snapshotsOffBecause =
            _snapshots is null ? "the store does not keep snapshots"
            : _legacy.Length > 0 ? $"projection {_legacy[0].GetType().Name} implements only ICommunityProjection (derive from CommunityProjection<T> for snapshots)"
            : _projections.FirstOrDefault(p => !p.SupportsSnapshots) is { } p ? $"projection '{p.Name}' does not write snapshots"
            : null;
    }

    public IReadOnlyList<CommunityProjection> Projections => _projections;

    public T Get<T>()
        where T : CommunityProjection => _projections.OfType<T>().Single();

    /// <inheritdoc />
    public async ValueTask EnsureCurrentAsync(CommunityId community, CancellationToken cancellationToken = default) =>
        _ = await CurrentAsync(community, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> TakeSnapshotAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        var states = await CurrentAsync(community, cancellationToken).ConfigureAwait(false);
        return await SnapshotAsync(states, wait: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IReadOnlyList<ProjectionFaultInfo> GetFaults() =>
        _live.Values.SelectMany(s => s.Faults.OfType<ProjectionFault>().Select(f => new ProjectionFaultInfo(s.Community, f.Projection, f.ActivityId, f.Error.Message))).ToArray();

    /// <summary>The community's live state in the snapshot format (for tests that compare states byte for byte).</summary>
    internal async ValueTask<byte[]> SerializeLiveAsync(CommunityId community, CancellationToken cancellationToken = default)
    {
        var states = await CurrentAsync(community, cancellationToken).ConfigureAwait(false);
        await states.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Serialize(states);
        }
        finally
        {
            states.Gate.Release();
        }
    }

    /// <summary>The community's live state, loaded and caught up with the store's log.</summary>
    public async ValueTask<CommunityStates> CurrentAsync(CommunityId community, CancellationToken cancellationToken)
    {
        while (true)
        {
            var states = await LoadAsync(community, cancellationToken).ConfigureAwait(false);
            var last = await _store.GetLastActivityIdAsync(community, cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref states.Position) >= last)
            {
                return states;
            }

            await states.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!states.Invalid)
                {
                    await CatchUpAsync(states, last, cancellationToken).ConfigureAwait(false);
                    return states;
                }
            }
            finally
            {
                states.Gate.Release();
            }
        }
    }

    public async ValueTask<T> ReadAsync<T>(CommunityProjection projection, CommunityId community, Func<object, CommunityMembers, T> read, CancellationToken cancellationToken)
    {
        var states = await CurrentAsync(community, cancellationToken).ConfigureAwait(false);
        lock (states.Sync)
        {
            if (states.Faults[projection.Slot] is { } fault)
            {
                throw new ProjectionFaultedException(community, fault.Projection, fault.ActivityId, fault.Error);
            }

            return read(states.States[projection.Slot]!, states.Members);
        }
    }

    public async ValueTask<T> ReadMembersAsync<T>(CommunityId community, Func<CommunityMembers, T> read, CancellationToken cancellationToken)
    {
        var states = await CurrentAsync(community, cancellationToken).ConfigureAwait(false);
        lock (states.Sync)
        {
            return read(states.Members);
        }
    }

    /// <summary>
    /// The community's live state after its first fold: the newest usable snapshot and the log after it, folded once
    /// (concurrent callers share the fold) and outside any write session.
    /// </summary>
    public async ValueTask<CommunityStates> LoadAsync(CommunityId community, CancellationToken cancellationToken)
    {
        if (community.IsEmpty)
        {
            throw new CommunityValidationException("community", "is required");
        }

        while (true)
        {
            if (!_live.TryGetValue(community, out var states))
            {
                // Nothing is kept for a community the host did not declare.
                await Internal.ActivityPipeline.RequireKnownAsync(_communities, community, cancellationToken).ConfigureAwait(false);
                states = _live.GetOrAdd(community, c => NewStates(c, throwaway: false));
            }

            if (states.Invalid)
            {
                _live.TryRemove(KeyValuePair.Create(community, states));
                continue;
            }

            if (states.Loaded)
            {
                return states;
            }

            var loading = StartLoading(states);

            try
            {
                await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch when (loading.IsFaulted)
            {
                lock (states.Sync)
                {
                    if (states.Loading == loading)
                    {
                        states.Loading = null; // the next caller tries again (the store may be back)
                    }
                }

                throw;
            }

            if (!states.Invalid)
            {
                return states;
            }
        }
    }

    /// <summary>The set's first fold, started once on a pool thread (concurrent first requests share it).</summary>
    private Task StartLoading(CommunityStates states)
    {
        lock (states.Sync)
        {
            return states.Loading ??= Task.Run(() => LoadCoreAsync(states), CancellationToken.None);
        }
    }

    /// <summary>Folds the log after the state's position, up to <paramref name="upTo"/>. The caller holds the gate.</summary>
    public async ValueTask CatchUpAsync(CommunityStates states, long upTo, CancellationToken cancellationToken)
    {
        if (states.Position >= upTo)
        {
            return;
        }

        await foreach (var committed in _store.ReadLogAsync(states.Community, states.Position, cancellationToken).ConfigureAwait(false))
        {
            if (committed.ActivityId > upTo)
            {
                break;
            }

            if (committed.Activity.Type == CommunityActivityTypes.Erase && states.Position > 0)
            {
                // A member was erased: the log before this point was rewritten, so what was folded from it is stale.
                await RefoldAsync(states, upTo, cancellationToken).ConfigureAwait(false);
                return;
            }

            Apply(states, committed);
        }

        states.Committed = states.Position;
    }

    /// <summary>Folds the log from the start up to <paramref name="upTo"/> into fresh state and swaps it in. The caller holds the gate.</summary>
    private async ValueTask<long> RefoldAsync(CommunityStates states, long upTo, CancellationToken cancellationToken)
    {
        var fresh = NewStates(states.Community, throwaway: true);
        foreach (var legacy in _legacy)
        {
            legacy.Reset(states.Community);
        }

        long folded = 0;
        await foreach (var committed in _store.ReadLogAsync(states.Community, 0, cancellationToken).ConfigureAwait(false))
        {
            if (committed.ActivityId > upTo)
            {
                break;
            }

            Apply(fresh, committed);
            foreach (var legacy in _legacy)
            {
                legacy.Apply(committed);
            }

            folded++;
        }

        lock (states.Sync)
        {
            states.Replace(fresh.Members, fresh.States);
            Array.Copy(fresh.Faults, states.Faults, fresh.Faults.Length);
            states.Position = states.Committed = fresh.Position;
            states.Loaded = true;
        }

        return folded;
    }

    /// <summary>Folds one activity into every projection of the set, members first. A projection that throws is faulted.</summary>
    public void Apply(CommunityStates states, CommittedActivity committed)
    {
        lock (states.Sync)
        {
            FoldMembers(states.Members, committed);
            var projections = _projections;
            for (var slot = 0; slot < projections.Length; slot++)
            {
                if (states.Faults[slot] is not null)
                {
                    continue;
                }

                try
                {
                    projections[slot].ApplyState(states.States[slot]!, committed, states.Members);
                }
#pragma warning disable CA1031 // A projection bug must not undo a commit; the projection is faulted, loudly.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    states.Faults[slot] = new ProjectionFault(projections[slot].Name, committed.ActivityId, ex);
                    if (!states.IsThrowaway)
                    {
                        LogProjectionFaulted(ex, projections[slot].Name, committed.ActivityId, states.Community);
                    }
                }
            }

            if (!states.IsThrowaway)
            {
                foreach (var legacy in _legacy)
                {
                    try
                    {
                        legacy.Apply(committed);
                    }
#pragma warning disable CA1031
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        LogProjectionFaulted(ex, legacy.GetType().Name, committed.ActivityId, states.Community);
                    }
                }
            }

            states.Position = committed.ActivityId;
        }
    }

    /// <summary>Drops a live set whose folded activities did not all commit; the next use folds the community again.</summary>
    public void Invalidate(CommunityStates states)
    {
        states.Invalid = true;
        _live.TryRemove(KeyValuePair.Create(states.Community, states));
        foreach (var legacy in _legacy)
        {
            legacy.Reset(states.Community);
        }
    }

    public CommunityStates CreateThrowaway(CommunityId community) => NewStates(community, throwaway: true);

    /// <summary>Folds the whole log again into fresh state and swaps it in: repairs faults; no rule runs.</summary>
    public async ValueTask<RebuildResult> RebuildAsync(CommunityId community, CancellationToken cancellationToken)
    {
        var states = await LoadOrEmptyAsync(community, cancellationToken).ConfigureAwait(false);
        await states.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var folded = await RefoldAsync(states, long.MaxValue, cancellationToken).ConfigureAwait(false);
            LogRebuilt(community, folded, states.Position);
            return new RebuildResult(folded, states.Position);
        }
        finally
        {
            states.Gate.Release();
        }
    }

    /// <summary>After a batch committed: takes a snapshot in the background when enough activities or time went by.</summary>
    public void AfterCommit(CommunityStates states)
    {
        var options = _options.CurrentValue.Snapshots;
        if (_snapshotsOffBecause is not null || !options.Enabled || states.IsThrowaway || states.Snapshotting.CurrentCount == 0)
        {
            return;
        }

        var behind = states.Committed - states.SnapshotPosition;
        if (behind >= options.EveryActivities || (behind > 0 && _time.GetUtcNow() - states.SnapshotAt >= options.Interval))
        {
            SnapshotInBackground(states);
        }
    }

    private void SnapshotInBackground(CommunityStates states) =>
        _ = Task.Run(() => SnapshotAsync(states, wait: false, CancellationToken.None).AsTask(), CancellationToken.None);

    private async ValueTask<bool> SnapshotAsync(CommunityStates states, bool wait, CancellationToken cancellationToken)
    {
        if (_snapshotsOffBecause is not null || _snapshots is null)
        {
            LogSnapshotsOff(states.Community, _snapshotsOffBecause ?? "the store does not keep snapshots");
            return false;
        }

        if (!await states.Snapshotting.WaitAsync(wait ? Timeout.Infinite : 0, cancellationToken).ConfigureAwait(false))
        {
            return false; // one is being taken already
        }

        try
        {
            // The gate excludes a write batch, so the state is exactly the committed log up to its position; the
            // store's write session is not held, and readers go on meanwhile.
            var started = Stopwatch.GetTimestamp();
            byte[] data;
            long position;
            await states.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (states.Invalid || states.IsFaulted || states.Position == states.SnapshotPosition)
                {
                    return false;
                }

                position = states.Position;
                data = Serialize(states);
            }
            finally
            {
                states.Gate.Release();
            }

            var serialized = Stopwatch.GetElapsedTime(started);
            var now = _time.GetUtcNow();
            await _snapshots.SaveSnapshotAsync(new CommunitySnapshot(states.Community, position, now, data), cancellationToken).ConfigureAwait(false);
            states.SnapshotPosition = position;
            states.SnapshotAt = now;
            var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogSnapshotWritten(states.Community, position, data.Length, serialized.TotalMilliseconds, total);
            return true;
        }
#pragma warning disable CA1031 // A failed snapshot is logged; the previous one stays valid and the next attempt comes later.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogSnapshotFailed(ex, states.Community);
            return false;
        }
        finally
        {
            states.Snapshotting.Release();
        }
    }

    private async Task LoadCoreAsync(CommunityStates states)
    {
        var started = Stopwatch.GetTimestamp();
        await states.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var fromSnapshot = false;
            if (_snapshotsOffBecause is null && _snapshots is not null && _options.CurrentValue.Snapshots.Enabled
                && await _snapshots.LoadSnapshotAsync(states.Community).ConfigureAwait(false) is { } snapshot
                && TryDeserialize(states, snapshot))
            {
                fromSnapshot = true;
            }

            var before = states.Position;
            await CatchUpAsync(states, long.MaxValue, CancellationToken.None).ConfigureAwait(false);
            states.SnapshotAt = _time.GetUtcNow();
            states.Loaded = true;
            var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogFolded(states.Community, states.Position, fromSnapshot ? before : 0, states.Position - before, took);
        }
        finally
        {
            states.Gate.Release();
        }
    }

    private async ValueTask<CommunityStates> LoadOrEmptyAsync(CommunityId community, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadAsync(community, cancellationToken).ConfigureAwait(false);
        }
        catch (ProjectionFaultedException)
        {
            return _live[community];
        }
    }

    private CommunityStates NewStates(CommunityId community, bool throwaway)
    {
        var members = new CommunityMembers(community);
        var states = new object?[_projections.Length];
        for (var slot = 0; slot < states.Length; slot++)
        {
            states[slot] = _projections[slot].CreateState(community, members);
        }

        return new CommunityStates(community, members, states, throwaway);
    }

    /// <summary>The core's own fold: activity types, members (interned in log order), joins, profiles, the invite forest.</summary>
    private static void FoldMembers(CommunityMembers members, CommittedActivity committed)
    {
        members.InternType(committed.Activity.Type);
        members.Intern(committed.Activity.Member);
        var events = committed.Events; // indexed: a foreach over the interface would allocate an enumerator
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            var member = members.Intern(e.Member);
            switch (e)
            {
                case MemberJoined joined:
                    members.Join(member, joined.OccurredAt, joined.Profile);
                    break;
                case MemberProfileUpdated updated:
                    members.SetProfile(member, updated.Changes);
                    break;
                case ReferralJoined referral:
                    members.SetInviter(member, members.Intern(referral.Inviter));
                    break;
            }
        }
    }

    private byte[] Serialize(CommunityStates states)
    {
        using var buffer = new MemoryStream();
        using (var writer = new SnapshotWriter(buffer))
        {
            writer.Write(Magic);
            writer.Write(SnapshotFormat);
            writer.Write(states.Community.Value);
            writer.Write(states.Position);
            writer.Write(_projections.Length + 1);
            WriteSection(writer, MembersSection, 1, string.Empty, w => states.Members.Write(w));
            foreach (var projection in _projections)
            {
                WriteSection(writer, projection.Name, projection.FormatVersion, projection.RulesHash, w => projection.WriteState(states.States[projection.Slot]!, w));
            }
        }

        return buffer.ToArray();
    }

    private static void WriteSection(SnapshotWriter writer, string name, int version, string rules, Action<SnapshotWriter> write)
    {
        writer.Write(name);
        writer.Write(version);
        writer.Write(rules);
        var stream = writer.BaseStream;
        var lengthAt = stream.Position;
        writer.Write(0L);
        var start = stream.Position;
        write(writer);
        writer.Flush();
        var end = stream.Position;
        stream.Position = lengthAt;
        writer.Write(end - start);
        writer.Flush();
        stream.Position = end;
    }

    /// <summary>Reads a snapshot into the set; false (state untouched, reason logged) when it cannot be used.</summary>
    private bool TryDeserialize(CommunityStates states, CommunitySnapshot snapshot)
    {
        try
        {
            using var input = new MemoryStream(snapshot.Data, writable: false);
            using var reader = new SnapshotReader(input);
            if (reader.ReadString() != Magic || reader.ReadInt32() is var format && format != SnapshotFormat)
            {
                LogSnapshotUnusable(states.Community, snapshot.Position, "an unknown snapshot format");
                return false;
            }

            if (reader.ReadString() != states.Community.Value)
            {
                LogSnapshotUnusable(states.Community, snapshot.Position, "it belongs to another community");
                return false;
            }

            var position = reader.ReadInt64();
            var sections = new Dictionary<string, (int Version, string Rules, long Start, long Length)>(StringComparer.Ordinal);
            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var name = reader.ReadString();
                var version = reader.ReadInt32();
                var rules = reader.ReadString();
                var length = reader.ReadInt64();
                sections[name] = (version, rules, input.Position, length);
                input.Position += length;
            }

            foreach (var projection in _projections)
            {
                if (!sections.TryGetValue(projection.Name, out var section))
                {
                    LogSnapshotUnusable(states.Community, position, $"it has no section for projection '{projection.Name}'");
                    return false;
                }

                if (section.Version != projection.FormatVersion || section.Rules != projection.RulesHash)
                {
                    LogSnapshotUnusable(states.Community, position, section.Version != projection.FormatVersion
                        ? $"projection '{projection.Name}' changed its format ({section.Version} -> {projection.FormatVersion})"
                        : $"the rules of projection '{projection.Name}' changed since it was taken");
                    return false;
                }
            }

            input.Position = sections[MembersSection].Start;
            var members = CommunityMembers.Read(states.Community, reader);
            var read = new object?[_projections.Length];
            foreach (var projection in _projections)
            {
                var section = sections[projection.Name];
                input.Position = section.Start;
                read[projection.Slot] = projection.ReadState(states.Community, members, reader);
                if (input.Position != section.Start + section.Length)
                {
                    throw new InvalidDataException($"Projection '{projection.Name}' read {input.Position - section.Start} of its {section.Length} snapshot bytes.");
                }
            }

            states.Replace(members, read);
            states.Position = states.Committed = states.SnapshotPosition = position;
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException or KeyNotFoundException)
        {
            LogSnapshotUnreadable(ex, states.Community, snapshot.Position);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Projection} of community {Community} failed on activity {ActivityId} and is faulted: its queries and the community's writes are refused until a rebuild")]
    private partial void LogProjectionFaulted(Exception exception, string projection, long activityId, CommunityId community);

    [LoggerMessage(Level = LogLevel.Information, Message = "Community {Community} folded to activity {Position} (snapshot at {SnapshotPosition}, {Tail} activities after it) in {Milliseconds:0} ms")]
    private partial void LogFolded(CommunityId community, long position, long snapshotPosition, long tail, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Community {Community} rebuilt from its log: {Activities} activities, to position {Position}")]
    private partial void LogRebuilt(CommunityId community, long activities, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot of community {Community} written at activity {Position}: {Bytes} bytes, serialized in {SerializeMs:0} ms, saved in {TotalMs:0} ms")]
    private partial void LogSnapshotWritten(CommunityId community, long position, int bytes, double serializeMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of community {Community} failed; the previous one stays in use")]
    private partial void LogSnapshotFailed(Exception exception, CommunityId community);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of community {Community} at activity {Position} is not used because {Reason}: folding the whole log")]
    private partial void LogSnapshotUnusable(CommunityId community, long position, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot of community {Community} at activity {Position} could not be read: folding the whole log")]
    private partial void LogSnapshotUnreadable(Exception exception, CommunityId community, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "No snapshot of community {Community}: {Reason}")]
    private partial void LogSnapshotsOff(CommunityId community, string reason);
}
