using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CommunitySdk.Internal;

/// <summary>
/// A stable hash of an activity's payload (everything but nothing else), used to tell a retry of an
/// idempotency key from a conflicting reuse. Providers store it beside the key.
/// </summary>
internal static class ActivityFingerprint
{
    public static string Compute(Activity activity)
    {
        var text = new StringBuilder(256);
        Append(text, activity.IdempotencyKey);
        Append(text, activity.Community.Value);
        Append(text, activity.Member.Value);
        Append(text, activity.Type);
        Append(text, activity.OccurredAt is { } at ? at.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-");
        Append(text, activity.Value is { } value ? Canonical(value) : "-");
        foreach (var (name, attribute) in activity.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Append(text, name);
            Append(text, attribute);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string part) =>
        text.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('|');

    /// <summary>1.50m and 1.5m are the same amount.</summary>
    private static string Canonical(decimal value)
    {
        var s = value.ToString(CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) ? s.TrimEnd('0').TrimEnd('.') : s;
    }
}
