using System.Globalization;

namespace CommunitySdk;

/// <summary>
/// Display names per culture for things a host defines (badges, tiers, currencies): a map from a culture name
/// (<c>"zh"</c>, <c>"zh-Hans"</c>, <c>"zh-CN"</c>, <c>"en-GB"</c>) to the name members of that culture see. The SDK's
/// queries answer in <see cref="CultureInfo.CurrentUICulture"/>, the culture ASP.NET Core's request localization (or
/// the SDK endpoints, from <c>Accept-Language</c>) sets for a request.
/// </summary>
public static class DisplayNames
{
    /// <summary>The longest culture name or display name a map accepts.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// The name for <paramref name="culture"/>: the entry for the culture itself, else for its parents in turn
    /// (<c>zh-CN</c>, then <c>zh-Hans</c>, then <c>zh</c>), else <paramref name="fallback"/>.
    /// </summary>
    /// <param name="names">Names by culture name (compared ignoring case); <see langword="null"/> or empty for none.</param>
    /// <param name="fallback">The name when no entry matches (the definition's own name).</param>
    /// <param name="culture">The culture; <see langword="null"/> for <see cref="CultureInfo.CurrentUICulture"/>.</param>
    /// <returns>The display name.</returns>
    public static string Resolve(IReadOnlyDictionary<string, string>? names, string fallback, CultureInfo? culture = null)
    {
        if (names is null || names.Count == 0)
        {
            return fallback;
        }

        for (var c = culture ?? CultureInfo.CurrentUICulture; c.Name.Length > 0; c = c.Parent)
        {
            if (names.TryGetValue(c.Name, out var name))
            {
                return name;
            }
        }

        return fallback;
    }
}
