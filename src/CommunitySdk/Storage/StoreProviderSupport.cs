using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CommunitySdk.Storage;

/// <summary>
/// Pieces every durable store provider needs the same way (the SDK's SQLite and PostgreSQL providers use them;
/// third-party providers may too): checking a batch before writing it, paging a member's history, reading the
/// log in chunks, and loading versioned migration scripts embedded in the provider's assembly.
/// </summary>
public static class StoreProviderSupport
{
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
}
