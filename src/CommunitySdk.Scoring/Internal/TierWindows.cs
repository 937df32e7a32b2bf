using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace CommunitySdk.Scoring.Internal;

/// <summary>
/// The counters tier requirements read, compiled once from the options: a channel is one daily counter (a type, or any
/// type, given or received, counting activities or summing values); a set keeps the distinct values of an attribute, or
/// the distinct counterparts, each with the last day seen. Requirements that read the same counter share it.
/// </summary>
internal sealed class TierWindowModel
{
    private readonly Dictionary<(string? Type, bool Received, bool Value), int> _channels = [];
    private readonly Dictionary<(string Type, bool Received, string? Attribute), int> _sets = [];

    /// <summary>Daily counters per member entry.</summary>
    public int Channels => _channels.Count;

    public int SetCount => _sets.Count;

    /// <summary>The longest window (days kept per member); at least 1, so lifetime distinct days can tell a new day.</summary>
    public int MaxWindow { get; private set; } = 1;

    public bool[] ChannelIsValue { get; private set; } = [];

    /// <summary>Per channel, its column among the count channels (ints) or among the value channels (doubles).</summary>
    public int[] Slot { get; private set; } = [];

    public int CountChannels { get; private set; }

    public int ValueChannels { get; private set; }

    public Dictionary<string, int[]> GivenByType { get; } = new(StringComparer.Ordinal);

    public int[] GivenAny { get; private set; } = [];

    public Dictionary<string, int[]> ReceivedByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Per type: the sets an activity of that type feeds (index, received, attribute or null for the counterpart).</summary>
    public Dictionary<string, (int Set, bool Received, string? Attribute)[]> SetsByType { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => _channels.Count == 0 && _sets.Count == 0;

    /// <summary>Text of the counters' layout (for the snapshot's rules check).</summary>
    public string Fingerprint => string.Join(',', _channels.OrderBy(c => c.Value).Select(c => $"{c.Key.Type}|{c.Key.Received}|{c.Key.Value}"))
        + "/" + string.Join(',', _sets.OrderBy(c => c.Value).Select(c => $"{c.Key.Type}|{c.Key.Received}|{c.Key.Attribute}")) + "/" + MaxWindow;

    public int Channel(string? type, bool received, bool value)
    {
        if (!_channels.TryGetValue((type, received, value), out var channel))
        {
            _channels[(type, received, value)] = channel = _channels.Count;
        }

        return channel;
    }

    public int Set(string type, bool received, string? attribute)
    {
        if (!_sets.TryGetValue((type, received, attribute), out var set))
        {
            _sets[(type, received, attribute)] = set = _sets.Count;
        }

        return set;
    }

    public void Window(int days) => MaxWindow = Math.Max(MaxWindow, days);

    /// <summary>Builds the lookups once every requirement is compiled.</summary>
    public void Seal()
    {
        ChannelIsValue = new bool[_channels.Count];
        Slot = new int[_channels.Count];
        foreach (var ((type, received, value), channel) in _channels.OrderBy(c => c.Value))
        {
            ChannelIsValue[channel] = value;
            Slot[channel] = value ? ValueChannels++ : CountChannels++;
        }

        foreach (var group in _channels.Where(c => c.Key.Type is not null).GroupBy(c => (c.Key.Type!, c.Key.Received)))
        {
            (group.Key.Item2 ? ReceivedByType : GivenByType)[group.Key.Item1] = group.Select(c => c.Value).Order().ToArray();
        }

        GivenAny = _channels.Where(c => c.Key.Type is null && !c.Key.Received).Select(c => c.Value).Order().ToArray();
        foreach (var group in _sets.GroupBy(s => s.Key.Type))
        {
            SetsByType[group.Key] = group.OrderBy(s => s.Value).Select(s => (s.Value, s.Key.Received, s.Key.Attribute)).ToArray();
        }
    }

    /// <summary>
    /// The key an activity adds to a set: the attribute's value, or the counterpart — the actor for a received set,
    /// the target (never the actor itself) for a given one; <see langword="null"/> when there is none.
    /// </summary>
    public static string? SetKey(Activity activity, string? attribute, bool received, string targetAttribute)
    {
        var key = attribute is not null ? activity.GetAttribute(attribute)
            : received ? activity.Member.Value
            : activity.GetAttribute(targetAttribute) is { } target && target != activity.Member.Value ? target : null;
        return string.IsNullOrEmpty(key) ? null : key;
    }

    /// <summary>A stable 64-bit key of a value or member id (stored in snapshots, so never the randomised string hash).</summary>
    public static ulong Key(string value) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value.AsSpan()));
}

/// <summary>
/// One member's tier counters: one entry per local day with activity (day number, an int per count channel, a double
/// per value channel), days older than the longest window dropped as new days arrive, so it never holds more than the
/// window; lifetime totals per channel; and the distinct-key sets with each key's last day, pruned to the window.
/// </summary>
internal sealed class MemberWindows
{
    /// <summary>The most keys one set holds; beyond it new keys are not counted until old ones leave the window.</summary>
    public const int MaxKeys = 10_000;

    private readonly TierWindowModel _model;
    private readonly int _counts;
    private readonly int _values;

    public MemberWindows(TierWindowModel model)
    {
        _model = model;
        _counts = model.CountChannels;
        _values = model.ValueChannels;
        Days = new int[2];
        Counts = new int[2 * _counts];
        Sums = _values == 0 ? [] : new double[2 * _values];
        Lifetime = new double[model.Channels];
        LifetimeDays = new int[model.Channels];
        Sets = new Dictionary<ulong, int>?[model.SetCount];
    }

    /// <summary>Local day numbers (<see cref="DateOnly.DayNumber"/>) of the entries, ascending.</summary>
    public int[] Days { get; private set; }

    /// <summary>Count channels: entry e, column c at <c>e * countChannels + c</c>.</summary>
    public int[] Counts { get; private set; }

    /// <summary>Value channels: entry e, column c at <c>e * valueChannels + c</c>.</summary>
    public double[] Sums { get; private set; }

    public int Count { get; set; }

    /// <summary>The newest day any counter or set has seen (sets are pruned against it).</summary>
    public int Newest { get; set; } = int.MinValue;

    public double[] Lifetime { get; }

    public int[] LifetimeDays { get; }

    public Dictionary<ulong, int>?[] Sets { get; }

    /// <summary>A channel's value in entry <paramref name="entry"/>.</summary>
    public double ValueAt(int entry, int channel) =>
        _model.ChannelIsValue[channel] ? Sums[(entry * _values) + _model.Slot[channel]] : Counts[(entry * _counts) + _model.Slot[channel]];

    /// <summary>Sets a channel's value in entry <paramref name="entry"/> while a snapshot is read (entries in day order).</summary>
    public void Restore(int entry, int day, int channel, double value)
    {
        while (entry >= Days.Length)
        {
            Grow(int.MaxValue);
        }

        Days[entry] = day;
        Newest = Math.Max(Newest, day);
        Set(entry, channel, value);
    }

    /// <summary>Adds to a channel on a day (the fold only).</summary>
    public void Add(int channel, int day, double amount, int maxWindow)
    {
        Lifetime[channel] += amount;
        var entry = Entry(day, maxWindow);
        if (entry < 0)
        {
            return; // older than every window: only the lifetime total counts it
        }

        var before = ValueAt(entry, channel);
        if (before == 0 && amount != 0)
        {
            LifetimeDays[channel]++;
        }

        Set(entry, channel, before + amount);
    }

    /// <summary>Notes a key seen on a day (the fold only).</summary>
    public void See(int set, ulong key, int day, int maxWindow)
    {
        Newest = Math.Max(Newest, day);
        var map = Sets[set] ??= [];
        ref var last = ref CollectionsMarshal.GetValueRefOrNullRef(map, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref last))
        {
            last = Math.Max(last, day);
            return;
        }

        if (map.Count >= MaxKeys)
        {
            Prune(map, Newest - maxWindow + 1);
            if (map.Count >= MaxKeys)
            {
                return;
            }
        }
        else if (map.Count >= 16 && (map.Count & (map.Count - 1)) == 0)
        {
            Prune(map, Newest - maxWindow + 1);
        }

        map[key] = day;
    }

    /// <summary>The channel's total over days <paramref name="start"/>..<paramref name="end"/>.</summary>
    public double Sum(int channel, int start, int end)
    {
        var sum = 0.0;
        for (var e = Count - 1; e >= 0 && Days[e] >= start; e--)
        {
            if (Days[e] <= end)
            {
                sum += ValueAt(e, channel);
            }
        }

        return sum;
    }

    /// <summary>Days in <paramref name="start"/>..<paramref name="end"/> on which the channel counted something.</summary>
    public int DaysWith(int channel, int start, int end)
    {
        var days = 0;
        for (var e = Count - 1; e >= 0 && Days[e] >= start; e--)
        {
            if (Days[e] <= end && ValueAt(e, channel) != 0)
            {
                days++;
            }
        }

        return days;
    }

    /// <summary>Whether the channel counted something on <paramref name="day"/>.</summary>
    public bool HasOn(int channel, int day)
    {
        for (var e = Count - 1; e >= 0 && Days[e] >= day; e--)
        {
            if (Days[e] == day)
            {
                return ValueAt(e, channel) != 0;
            }
        }

        return false;
    }

    /// <summary>Distinct keys of a set last seen in <paramref name="start"/>..<paramref name="end"/>.</summary>
    public int Distinct(int set, int start, int end)
    {
        if (Sets[set] is not { } map)
        {
            return 0;
        }

        var count = 0;
        foreach (var last in map.Values)
        {
            if (last >= start && last <= end)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Whether a key of a set was seen on or after <paramref name="start"/>.</summary>
    public bool Seen(int set, ulong key, int start) => Sets[set] is { } map && map.TryGetValue(key, out var last) && last >= start;

    private void Set(int entry, int channel, double value)
    {
        if (_model.ChannelIsValue[channel])
        {
            Sums[(entry * _values) + _model.Slot[channel]] = value;
        }
        else
        {
            Counts[(entry * _counts) + _model.Slot[channel]] = (int)value;
        }
    }

    /// <summary>The entry of a day, made if new; -1 when the day is older than the longest window before the newest day.</summary>
    private int Entry(int day, int maxWindow)
    {
        Newest = Math.Max(Newest, day);
        var count = Count;
        if (count > 0 && Days[count - 1] == day)
        {
            return count - 1;
        }

        if (count == 0 || day > Days[count - 1])
        {
            var horizon = day - maxWindow + 1;
            var drop = 0;
            while (drop < count && Days[drop] < horizon)
            {
                drop++;
            }

            if (drop > 0)
            {
                Array.Copy(Days, drop, Days, 0, count - drop);
                Array.Copy(Counts, drop * _counts, Counts, 0, (count - drop) * _counts);
                Array.Copy(Sums, drop * _values, Sums, 0, (count - drop) * _values);
                count -= drop;
            }

            return Insert(count, day, count, maxWindow);
        }

        if (day < Days[count - 1] - maxWindow + 1)
        {
            return -1;
        }

        var at = count - 1;
        while (at >= 0 && Days[at] > day)
        {
            at--;
        }

        return at >= 0 && Days[at] == day ? at : Insert(at + 1, day, count, maxWindow);
    }

    private int Insert(int at, int day, int count, int maxWindow)
    {
        if (count == Days.Length)
        {
            Grow(maxWindow);
        }

        Array.Copy(Days, at, Days, at + 1, count - at);
        Array.Copy(Counts, at * _counts, Counts, (at + 1) * _counts, (count - at) * _counts);
        Array.Copy(Sums, at * _values, Sums, (at + 1) * _values, (count - at) * _values);
        Days[at] = day;
        Array.Clear(Counts, at * _counts, _counts);
        Array.Clear(Sums, at * _values, _values);
        Count = count + 1;
        return at;
    }

    /// <summary>Doubles the entries, never past the longest window (no more days can be live at once).</summary>
    private void Grow(int maxWindow)
    {
        var size = Math.Max(Days.Length + 1, Math.Min(Days.Length * 2, maxWindow));
        var days = Days;
        Array.Resize(ref days, size);
        Days = days;
        var counts = Counts;
        Array.Resize(ref counts, size * _counts);
        Counts = counts;
        var sums = Sums;
        Array.Resize(ref sums, size * _values);
        Sums = sums;
    }

    /// <summary>Drops keys last seen before the window, and gives back the room they held.</summary>
    private static void Prune(Dictionary<ulong, int> map, int horizon)
    {
        foreach (var (key, last) in map)
        {
            if (last < horizon)
            {
                map.Remove(key);
            }
        }

        if (map.EnsureCapacity(0) > (2 * map.Count) + 16)
        {
            map.TrimExcess();
        }
    }
}
