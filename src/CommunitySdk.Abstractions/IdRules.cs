namespace CommunitySdk;

/// <summary>Shared validation of identifier strings (community ids, member ids, idempotency keys).</summary>
internal static class IdRules
{
    public const int MaxIdLength = 128;

    /// <summary>Returns the reason <paramref name="value"/> is not a valid identifier, or <see langword="null"/>.</summary>
    public static string? Check(string? value, int maxLength = MaxIdLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "must not be empty";
        }

        if (value.Length > maxLength)
        {
            return $"must be at most {maxLength} characters (was {value.Length})";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return "must not contain control characters";
            }
        }

        return null;
    }

    public static string Require(string? value, string field, int maxLength = MaxIdLength)
    {
        var reason = Check(value, maxLength);
        if (reason is not null)
        {
            throw new CommunityValidationException(field, reason);
        }

        return value!;
    }
}
