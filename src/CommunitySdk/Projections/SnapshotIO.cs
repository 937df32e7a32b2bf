using System.Text;

namespace CommunitySdk.Projections;

/// <summary>
/// Writes one projection's section of a snapshot: a <see cref="BinaryWriter"/> (little-endian, UTF-8 strings) with
/// the SDK's own value types. A projection writes exactly what its <see cref="CommunityProjection{TState}"/> reader reads.
/// </summary>
public sealed class SnapshotWriter : BinaryWriter
{
    internal SnapshotWriter(Stream output)
        : base(output, Encoding.UTF8, leaveOpen: true)
    {
    }

    /// <summary>Writes an instant (UTC ticks and the offset in minutes).</summary>
    /// <param name="value">The instant.</param>
    public void Write(DateTimeOffset value)
    {
        Write(value.UtcTicks);
        Write((short)value.Offset.TotalMinutes);
    }

    /// <summary>Writes an optional instant.</summary>
    /// <param name="value">The instant, or <see langword="null"/>.</param>
    public void Write(DateTimeOffset? value)
    {
        Write(value.HasValue);
        if (value is { } v)
        {
            Write(v);
        }
    }

    /// <summary>Writes a date.</summary>
    /// <param name="value">The date.</param>
    public void Write(DateOnly value) => Write(value.DayNumber);

    /// <summary>Writes an optional string.</summary>
    /// <param name="value">The text, or <see langword="null"/>.</param>
    public void WriteNullable(string? value)
    {
        Write(value is not null);
        if (value is not null)
        {
            Write(value);
        }
    }
}

/// <summary>Reads one projection's section of a snapshot (see <see cref="SnapshotWriter"/>).</summary>
public sealed class SnapshotReader : BinaryReader
{
    internal SnapshotReader(Stream input)
        : base(input, Encoding.UTF8, leaveOpen: true)
    {
    }

    /// <summary>Reads an instant.</summary>
    /// <returns>The instant.</returns>
    public DateTimeOffset ReadDateTimeOffset()
    {
        var ticks = ReadInt64();
        var offset = TimeSpan.FromMinutes(ReadInt16());
        return new DateTimeOffset(ticks + offset.Ticks, offset);
    }

    /// <summary>Reads an optional instant.</summary>
    /// <returns>The instant, or <see langword="null"/>.</returns>
    public DateTimeOffset? ReadNullableDateTimeOffset() => ReadBoolean() ? ReadDateTimeOffset() : null;

    /// <summary>Reads a date.</summary>
    /// <returns>The date.</returns>
    public DateOnly ReadDateOnly() => DateOnly.FromDayNumber(ReadInt32());

    /// <summary>Reads an optional string.</summary>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public string? ReadNullableString() => ReadBoolean() ? ReadString() : null;
}
