using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace CommunitySdk.Internal;

/// <summary>
/// A stable hash of an activity's payload (everything but nothing else), used to tell a retry of an
/// idempotency key from a conflicting reuse. Providers store it beside the key. The payload is its parts, each
/// written as <c>length:text|</c> in UTF-8, attributes in ordinal order of their names, in one buffer. The hash is
/// XXH128 (<c>x1:</c> and 32 hex digits): it only tells a retry from a reuse, so it need not be cryptographic, and it
/// costs a few nanoseconds where SHA-256 cost a microsecond. Versions before 0.3 stored SHA-256 (64 hex digits);
/// <see cref="Matches"/> still recognises those.
/// </summary>
internal static class ActivityFingerprint
{
    private const string Prefix = "x1:";
    private static readonly char[] Absent = ['-'];

    public static string Compute(Activity activity) => Hash(activity, legacy: false);

    /// <summary>Whether a stored fingerprint is the one of <paramref name="activity"/> (whose current fingerprint is <paramref name="fingerprint"/>).</summary>
    public static bool Matches(string stored, Activity activity, string fingerprint) =>
        stored.StartsWith(Prefix, StringComparison.Ordinal)
            ? string.Equals(stored, fingerprint, StringComparison.Ordinal)
            : string.Equals(stored, Hash(activity, legacy: true), StringComparison.Ordinal);

    private static string Hash(Activity activity, bool legacy)
    {
        var attributes = SortedAttributes.From(activity.Attributes);
        Span<char> ticks = stackalloc char[24];
        ticks = activity.OccurredAt is { } at && at.UtcTicks.TryFormat(ticks, out var tickLength, provider: CultureInfo.InvariantCulture) ? ticks[..tickLength] : Absent;
        Span<char> value = stackalloc char[40];
        value = activity.Value is { } v ? Canonical(v, value) : Absent;

        var size = Size(activity.IdempotencyKey) + Size(activity.Community.Value) + Size(activity.Member.Value) + Size(activity.Type) + Size(ticks) + Size(value);
        foreach (var (name, text) in attributes.Entries)
        {
            size += Size(name) + Size(text);
        }

        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = 0;
            var buffer = rented.AsSpan();
            Write(buffer, ref written, activity.IdempotencyKey);
            Write(buffer, ref written, activity.Community.Value);
            Write(buffer, ref written, activity.Member.Value);
            Write(buffer, ref written, activity.Type);
            Write(buffer, ref written, ticks);
            Write(buffer, ref written, value);
            foreach (var (name, text) in attributes.Entries)
            {
                Write(buffer, ref written, name);
                Write(buffer, ref written, text);
            }

            if (legacy)
            {
                Span<byte> sha = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(buffer[..written], sha);
                return Convert.ToHexStringLower(sha);
            }

            return string.Create(Prefix.Length + 32, XxHash128.HashToUInt128(buffer[..written]), static (chars, hash) =>
            {
                Prefix.AsSpan().CopyTo(chars);
                hash.TryFormat(chars[Prefix.Length..], out _, "x32", CultureInfo.InvariantCulture);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The UTF-8 size of <c>length:part|</c> (at most: the length's digits are counted as 10).</summary>
    private static int Size(ReadOnlySpan<char> part) => Encoding.UTF8.GetMaxByteCount(part.Length) + 12;

    private static void Write(Span<byte> buffer, ref int written, ReadOnlySpan<char> part)
    {
        part.Length.TryFormat(buffer[written..], out var digits, provider: CultureInfo.InvariantCulture);
        written += digits;
        buffer[written++] = (byte)':';
        written += Encoding.UTF8.GetBytes(part, buffer[written..]);
        buffer[written++] = (byte)'|';
    }

    /// <summary>1.50m and 1.5m are the same amount: the invariant text without trailing zeros (or a trailing point).</summary>
    private static Span<char> Canonical(decimal value, Span<char> scratch)
    {
        if (!value.TryFormat(scratch, out var length, provider: CultureInfo.InvariantCulture))
        {
            return value.ToString(CultureInfo.InvariantCulture).ToCharArray();
        }

        var text = scratch[..length];
        if (text.Contains('.'))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text;
    }
}
