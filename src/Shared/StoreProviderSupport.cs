using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CommunitySdk.Storage;

/// <summary>
/// Pieces every durable store provider of the SDK needs the same way, compiled into each of them (linked source, not
/// public API: the SQL column lists are the SDK providers' own schema): checking the community and a batch before writing, reading activity and
/// outbox rows, paging a member's history, reading the log in chunks, and loading versioned migration scripts
/// embedded in the provider's assembly.
/// </summary>
internal static class StoreProviderSupport
{
    /// <summary>
    /// The activity table's columns in <see cref="ActivityRecord"/> order, for the <c>SELECT</c> lists that
    /// <see cref="ReadActivitiesAsync"/> reads and for <c>INSERT</c>s.
    /// </summary>
    public const string ActivityColumns = "community, activity_id, idempotency_key, member, type, occurred_at, value, attributes, recorded_at, fingerprint, events";

    /// <summary>Every store operation names a community: rejects <c>default(CommunityId)</c>.</summary>
    /// <param name="community">The community.</param>
    /// <returns>The community.</returns>
    /// <exception cref="CommunityValidationException">The id is empty (field <c>community</c>).</exception>
    public static CommunityId RequireCommunity(CommunityId community) =>
        community.IsEmpty ? throw new CommunityValidationException("community", "is required") : community;

    /// <summary>
    /// Reads every remaining row of <paramref name="reader"/> (columns <see cref="ActivityColumns"/>, in order)
    /// as committed activities.
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="serializer">The event serializer.</param>
    /// <param name="into">Where to add them.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns><paramref name="into"/>.</returns>
    public static async Task<List<CommittedActivity>> ReadActivitiesAsync(DbDataReader reader, CommunityEventSerializer serializer, List<CommittedActivity> into, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(into);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            into.Add(serializer.FromRecord(ReadActivityRecord(reader)));
        }

        return into;
    }

    /// <summary>Reads the first row of <paramref name="reader"/> (columns <see cref="ActivityColumns"/>), or <see langword="null"/> when there is none.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="serializer">The event serializer.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The activity, if any.</returns>
    public static async Task<CommittedActivity?> ReadActivityAsync(DbDataReader reader, CommunityEventSerializer serializer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(serializer);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? serializer.FromRecord(ReadActivityRecord(reader)) : null;
    }

    /// <summary>
    /// Reads every remaining row of <paramref name="reader"/> as outbox entries: columns <c>community, activity_id,
    /// attempts, acknowledged, last_error</c> of the outbox and <c>events, member, occurred_at, recorded_at</c> of the
    /// activity's log entry (<see cref="OutboxColumns"/>; acknowledgements one per line).
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="serializer">The event serializer.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The entries.</returns>
    public static async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(DbDataReader reader, CommunityEventSerializer serializer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(serializer);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var acknowledged = reader.IsDBNull(3) ? [] : reader.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var community = new CommunityId(reader.GetString(0));
            var activityId = reader.GetInt64(1);
            var effectiveTime = ParseTime(reader.IsDBNull(7) ? reader.GetString(8) : reader.GetString(7));
            entries.Add(new OutboxEntry(
                community,
                activityId,
                serializer.DeserializeStoredEvents(reader.GetString(5), community, activityId, new MemberId(reader.GetString(6)), effectiveTime),
                reader.GetInt32(2),
                acknowledged,
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    /// <summary>The columns <see cref="ReadOutboxAsync"/> reads, for an outbox table <c>o</c> joined with its log entry <c>a</c>.</summary>
    public const string OutboxColumns = "o.community, o.activity_id, o.attempts, o.acknowledged, o.last_error, a.events, a.member, a.occurred_at, a.recorded_at";

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);

    /// <summary>The acknowledgements of an outbox entry as a provider stores them (one per line), or null for none.</summary>
    /// <param name="acknowledged">The acknowledgements.</param>
    /// <returns>The stored text.</returns>
    public static string? JoinAcknowledgements(IReadOnlyCollection<string> acknowledged)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        return acknowledged.Count == 0 ? null : string.Join('\n', acknowledged.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The members an activity's events concern besides its own member (an inviter's reward on an invitee's order),
    /// each once: a store indexes the activity under them too, so their history includes it.
    /// </summary>
    /// <param name="activity">The activity.</param>
    /// <returns>The other members.</returns>
    public static IEnumerable<MemberId> OtherMembers(CommittedActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        HashSet<MemberId>? seen = null;
        foreach (var e in activity.Events)
        {
            if (e.Member != activity.Activity.Member && (seen ??= []).Add(e.Member))
            {
                yield return e.Member;
            }
        }
    }

    /// <summary>
    /// Checks a batch a write session is asked to commit: every activity belongs to the session's community and
    /// the ids follow <paramref name="lastActivityId"/> without gaps. Throws before anything is written.
    /// </summary>
    /// <param name="community">The session's community.</param>
    /// <param name="lastActivityId">The last committed id.</param>
    /// <param name="activities">The batch.</param>
    /// <exception cref="InvalidOperationException">An activity of another community, or an id out of sequence.</exception>
    public static void CheckBatch(CommunityId community, long lastActivityId, IReadOnlyList<CommittedActivity> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var expected = lastActivityId + 1;
        foreach (var activity in activities)
        {
            ArgumentNullException.ThrowIfNull(activity);
            if (activity.Activity.Community != community)
            {
                throw new InvalidOperationException($"The session belongs to community '{community}', not '{activity.Activity.Community}'.");
            }

            if (activity.ActivityId != expected)
            {
                throw new InvalidOperationException($"Activity id {activity.ActivityId} does not follow the last committed id {expected - 1}.");
            }

            expected++;
        }
    }

    /// <summary>
    /// Turns up to <c>PageSize + 1</c> activities read newest first into a page and the cursor of the next one.
    /// </summary>
    /// <param name="items">The activities read (one more than a page when there are more).</param>
    /// <param name="page">The request.</param>
    /// <returns>The page.</returns>
    public static ActivityPage ToPage(List<CommittedActivity> items, ActivityPageRequest page)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(page);
        var more = items.Count > page.PageSize;
        if (more)
        {
            items.RemoveRange(page.PageSize, items.Count - page.PageSize);
        }

        return new ActivityPage(items, more ? page with { Before = items[^1].ActivityId } : null);
    }

    /// <summary>Reads a community's log in chunks, each chunk read by <paramref name="readChunk"/> (ids after a given one, ascending, at most <paramref name="chunk"/>).</summary>
    /// <param name="readChunk">Reads one chunk after an id.</param>
    /// <param name="afterActivityId">Start after this id.</param>
    /// <param name="chunk">The chunk size.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The log.</returns>
    public static async IAsyncEnumerable<CommittedActivity> ReadInChunksAsync(
        Func<long, int, CancellationToken, Task<List<CommittedActivity>>> readChunk,
        long afterActivityId,
        int chunk,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readChunk);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var after = Math.Max(afterActivityId, 0);
        while (true)
        {
            var batch = await readChunk(after, chunk, cancellationToken).ConfigureAwait(false);
            foreach (var item in batch)
            {
                yield return item;
            }

            if (batch.Count < chunk)
            {
                yield break;
            }

            after = batch[^1].ActivityId;
        }
    }

    /// <summary>
    /// The migration scripts embedded in an assembly as <c>Migrations.NNNN_name.sql</c>, oldest first, with
    /// their version (the number before the first underscore) and name.
    /// </summary>
    /// <param name="assembly">The provider's assembly.</param>
    /// <returns>The scripts.</returns>
    public static IReadOnlyList<(int Version, string Name, string Sql)> LoadMigrationScripts(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                var name = n["Migrations.".Length..^".sql".Length];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .ToArray();
    }

    private static ActivityRecord ReadActivityRecord(DbDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.GetString(7),
        r.GetString(8),
        r.GetString(9),
        r.GetString(10));
}
