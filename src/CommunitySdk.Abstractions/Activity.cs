using System.Globalization;

namespace CommunitySdk;

/// <summary>
/// Something a member did (posted, bought, attended, invited) or a direct command about a member
/// (manual award, spend). Every feature reacts to activities; the activity log alone can replay every
/// projection. Create one with an object initializer; <see cref="Validate"/> checks every field.
/// </summary>
public sealed class Activity
{
    /// <summary>Maximum length of <see cref="IdempotencyKey"/>.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Maximum length of <see cref="Type"/>.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>Maximum number of entries in <see cref="Attributes"/>.</summary>
    public const int MaxAttributes = 16;

    /// <summary>Maximum length of an attribute name.</summary>
    public const int MaxAttributeNameLength = 64;

    /// <summary>Maximum length of an attribute value.</summary>
    public const int MaxAttributeValueLength = 256;

    /// <summary>Largest magnitude accepted for <see cref="Value"/> (10^15).</summary>
    public const decimal MaxAbsoluteValue = 1_000_000_000_000_000m;

    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();

    /// <summary>
    /// The caller's key for this write. Recording the same key again returns the first outcome and
    /// changes nothing; the same key with a different payload is an <see cref="IdempotencyConflictException"/>.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The community the activity belongs to.</summary>
    public required CommunityId Community { get; init; }

    /// <summary>The member who did it.</summary>
    public required MemberId Member { get; init; }

    /// <summary>
    /// The kind of activity, for example <c>order.completed</c> or <c>post.created</c>: lowercase letters,
    /// digits and <c>. _ -</c>, starting with a letter, at most 64 characters.
    /// </summary>
    public required string Type { get; init; }

    /// <summary>When it happened; <see langword="null"/> means "when recorded" (the SDK's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>An optional amount, such as the order total that per-unit point rules multiply.</summary>
    public decimal? Value { get; init; }

    /// <summary>
    /// A small map of facts about the activity (city, order id, event id, subject). At most 16 entries;
    /// names are like <see cref="Type"/>, values at most 256 characters without control characters.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = NoAttributes;

    /// <summary>Returns the attribute value, or <see langword="null"/> when absent.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public string? GetAttribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Checks every field and throws a <see cref="CommunityValidationException"/> naming the first bad one.
    /// </summary>
    /// <exception cref="CommunityValidationException">A field is invalid.</exception>
    public void Validate()
    {
        IdRules.Require(IdempotencyKey, "activity.idempotencyKey", MaxIdempotencyKeyLength);
        if (Community.IsEmpty)
        {
            throw new CommunityValidationException("activity.community", "is required");
        }

        if (Member.IsEmpty)
        {
            throw new CommunityValidationException("activity.member", "is required");
        }

        var typeReason = CheckName(Type, MaxTypeLength);
        if (typeReason is not null)
        {
            throw new CommunityValidationException("activity.type", typeReason);
        }

        if (Value is { } value && Math.Abs(value) > MaxAbsoluteValue)
        {
            throw new CommunityValidationException("activity.value", string.Create(CultureInfo.InvariantCulture, $"must be between -{MaxAbsoluteValue} and {MaxAbsoluteValue}"));
        }

        if (OccurredAt is { } at && at.Year < 2000)
        {
            throw new CommunityValidationException("activity.occurredAt", "must be in the year 2000 or later");
        }

        if (Attributes is null)
        {
            throw new CommunityValidationException("activity.attributes", "must not be null");
        }

        if (Attributes.Count > MaxAttributes)
        {
            throw new CommunityValidationException("activity.attributes", $"must have at most {MaxAttributes} entries (had {Attributes.Count})");
        }

        if (Attributes is Dictionary<string, string> dictionary)
        {
            foreach (var (name, text) in dictionary) // the struct enumerator: nothing allocated
            {
                ValidateAttribute(name, text);
            }
        }
        else
        {
            foreach (var (name, text) in Attributes)
            {
                ValidateAttribute(name, text);
            }
        }
    }

    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateAttribute(string name, string? text)
    {
        var nameReason = CheckName(name, MaxAttributeNameLength);
        if (nameReason is not null)
        {
            throw new CommunityValidationException("activity.attributes", $"name '{name}' {nameReason}");
        }

        if (text is null)
        {
            throw new CommunityValidationException($"activity.attributes[{name}]", "must not be null");
        }

        if (text.Length > MaxAttributeValueLength)
        {
            throw new CommunityValidationException($"activity.attributes[{name}]", $"must be at most {MaxAttributeValueLength} characters (was {text.Length})");
        }

        if (HasControlCharacter(text))
        {
            throw new CommunityValidationException($"activity.attributes[{name}]", "must not contain control characters");
        }
    }

    /// <summary>Checks an activity type or attribute name; returns the reason it is invalid, or <see langword="null"/>.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="maxLength">The maximum length.</param>
    /// <returns>The reason, or <see langword="null"/> when valid.</returns>
    public static string? CheckName(string? name, int maxLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "must not be empty";
        }

        if (name.Length > maxLength)
        {
            return $"must be at most {maxLength} characters (was {name.Length})";
        }

        if (name[0] is < 'a' or > 'z')
        {
            return "must start with a lowercase letter";
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return "may only contain lowercase letters, digits, '.', '_' and '-'";
            }
        }

        return null;
    }
}
