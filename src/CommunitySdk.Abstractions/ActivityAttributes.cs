using System.Globalization;

namespace CommunitySdk;

/// <summary>
/// The one typed parser of activity attributes. Every attribute a feature reads as a number, a flag, a time or
/// a member id goes through these methods, so bad input is always a <see cref="CommunityValidationException"/>
/// naming the field and the reason (never a <see cref="FormatException"/> or an <see cref="OverflowException"/>).
/// </summary>
public static class ActivityAttributes
{
    /// <summary>The attribute's text; throws when it is missing or blank.</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CommunityValidationException">The attribute is missing or blank.</exception>
    public static string GetRequiredString(this Activity activity, string name, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return activity.GetAttribute(name) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new CommunityValidationException(field ?? name, "is required");
    }

    /// <summary>An optional whole number in <paramref name="min"/>..<paramref name="max"/> (invariant culture, no separators).</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <param name="min">The least accepted value.</param>
    /// <param name="max">The largest accepted value.</param>
    /// <returns>The value, or <see langword="null"/> when the attribute is absent.</returns>
    /// <exception cref="CommunityValidationException">The text is not a whole number in range.</exception>
    public static int? GetInt32(this Activity activity, string name, string? field = null, int min = int.MinValue, int max = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetAttribute(name) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new CommunityValidationException(field ?? name, "must be a whole number");
        }

        if (value < min || value > max)
        {
            throw new CommunityValidationException(field ?? name, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }

        return (int)value;
    }

    /// <summary>An optional decimal number in <paramref name="min"/>..<paramref name="max"/> (invariant culture).</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <param name="min">The least accepted value.</param>
    /// <param name="max">The largest accepted value.</param>
    /// <returns>The value, or <see langword="null"/> when the attribute is absent.</returns>
    /// <exception cref="CommunityValidationException">The text is not a number in range.</exception>
    public static decimal? GetDecimal(this Activity activity, string name, string? field = null, decimal min = -Activity.MaxAbsoluteValue, decimal max = Activity.MaxAbsoluteValue)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetAttribute(name) is not { } text)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new CommunityValidationException(field ?? name, "must be a number");
        }

        if (value < min || value > max)
        {
            throw new CommunityValidationException(field ?? name, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
        }

        return value;
    }

    /// <summary>An optional flag: <c>true</c> or <c>false</c> (exactly; absent means <paramref name="absent"/>).</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <param name="absent">The value when the attribute is absent.</param>
    /// <returns>The flag.</returns>
    /// <exception cref="CommunityValidationException">The text is neither <c>true</c> nor <c>false</c>.</exception>
    public static bool GetBoolean(this Activity activity, string name, string? field = null, bool absent = false)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return activity.GetAttribute(name) switch
        {
            null => absent,
            "true" => true,
            "false" => false,
            _ => throw new CommunityValidationException(field ?? name, "must be 'true' or 'false'"),
        };
    }

    /// <summary>An optional instant in ISO 8601 with an offset (for example <c>2026-03-02T09:00:00+08:00</c>).</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <returns>The instant, or <see langword="null"/> when the attribute is absent.</returns>
    /// <exception cref="CommunityValidationException">The text is not an ISO 8601 time with an offset, or is before the year 2000.</exception>
    public static DateTimeOffset? GetDateTimeOffset(this Activity activity, string name, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetAttribute(name) is not { } text)
        {
            return null;
        }

        var hasOffset = text.Length > 10 && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10);
        if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new CommunityValidationException(field ?? name, "must be an ISO 8601 time with an offset, such as 2026-03-02T09:00:00+08:00");
        }

        if (value.Year < 2000)
        {
            throw new CommunityValidationException(field ?? name, "must be in the year 2000 or later");
        }

        return value;
    }

    /// <summary>An optional member id.</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <returns>The member, or <see langword="null"/> when the attribute is absent.</returns>
    /// <exception cref="CommunityValidationException">The text is not a valid member id.</exception>
    public static MemberId? GetMemberId(this Activity activity, string name, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.GetAttribute(name) is not { } text)
        {
            return null;
        }

        return IdRules.Check(text) is { } reason
            ? throw new CommunityValidationException(field ?? name, reason)
            : new MemberId(text);
    }

    /// <summary>A required member id.</summary>
    /// <param name="activity">The activity.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="field">The field named in the error; defaults to <paramref name="name"/>.</param>
    /// <returns>The member.</returns>
    /// <exception cref="CommunityValidationException">The attribute is missing or not a valid member id.</exception>
    public static MemberId GetRequiredMemberId(this Activity activity, string name, string? field = null) =>
        activity.GetMemberId(name, field) ?? throw new CommunityValidationException(field ?? name, "is required");
}
