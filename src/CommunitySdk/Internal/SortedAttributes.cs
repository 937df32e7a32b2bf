using System.Diagnostics.CodeAnalysis;

namespace CommunitySdk.Internal;

/// <summary>
/// An activity's attributes as the pipeline keeps them: a private copy, sorted by name (ordinal), read only. Lookups
/// are a binary search over at most <see cref="Activity.MaxAttributes"/> entries; one array holds them all.
/// </summary>
internal sealed class SortedAttributes : IReadOnlyDictionary<string, string>
{
    private static readonly Comparison<KeyValuePair<string, string>> ByName = static (a, b) => string.CompareOrdinal(a.Key, b.Key);
    private readonly KeyValuePair<string, string>[] _entries;

    private SortedAttributes(KeyValuePair<string, string>[] entries) => _entries = entries;

    /// <summary>An empty set.</summary>
    public static SortedAttributes Empty { get; } = new([]);

    /// <summary>A sorted private copy of <paramref name="attributes"/> (the same instance when it already is one).</summary>
    public static SortedAttributes From(IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes is SortedAttributes sorted)
        {
            return sorted;
        }

        if (attributes.Count == 0)
        {
            return Empty;
        }

        var entries = new KeyValuePair<string, string>[attributes.Count];
        if (attributes is Dictionary<string, string> dictionary)
        {
            ((ICollection<KeyValuePair<string, string>>)dictionary).CopyTo(entries, 0);
        }
        else
        {
            var i = 0;
            foreach (var entry in attributes)
            {
                entries[i++] = entry;
            }
        }

        Array.Sort(entries, ByName);
        return new SortedAttributes(entries);
    }

    /// <summary>The entries, sorted by name.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> Entries => _entries;

    public int Count => _entries.Length;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public IEnumerable<string> Values => _entries.Select(e => e.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No attribute '{key}'.");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_entries).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int low = 0, high = _entries.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = string.CompareOrdinal(_entries[mid].Key, key);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }
}

/// <summary>Copies of activities as the log keeps them.</summary>
internal static class ActivityCopy
{
    /// <summary>A private copy with <paramref name="attributes"/> sorted and frozen (so later changes by a caller cannot reach the log), and optionally another member and key.</summary>
    public static Activity With(Activity activity, IReadOnlyDictionary<string, string> attributes, MemberId? member = null, string? idempotencyKey = null) => new()
    {
        IdempotencyKey = idempotencyKey ?? activity.IdempotencyKey,
        Community = activity.Community,
        Member = member ?? activity.Member,
        Type = activity.Type,
        OccurredAt = activity.OccurredAt,
        Value = activity.Value,
        Attributes = SortedAttributes.From(attributes),
    };
}
