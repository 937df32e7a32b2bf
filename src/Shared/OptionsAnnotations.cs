using System.ComponentModel.DataAnnotations;

namespace CommunitySdk;

/// <summary>
/// Data-annotation checks for objects inside options (list items, nested settings), which options validation
/// does not reach on its own. For validators of feature options: compiled into each package that needs it (a linked
/// source file), so it is no part of any public API.
/// </summary>
internal static class OptionsAnnotations
{
    /// <summary>Adds one failure per broken annotation of <paramref name="item"/>, prefixed with <paramref name="path"/>.</summary>
    /// <param name="item">The object to check.</param>
    /// <param name="path">Where it sits, for example <c>Points:Rules[2] 'vote'</c>.</param>
    /// <param name="failures">Where failures go.</param>
    public static void Validate(object item, string path, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(failures);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(item, new ValidationContext(item), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                failures.Add($"{path}: {result.ErrorMessage}");
            }
        }
    }

    /// <summary>Checks a display-name map (<c>DisplayNames</c>): culture names and names present and at most <see cref="DisplayNames.MaxLength"/> characters.</summary>
    /// <param name="names">The map.</param>
    /// <param name="path">Where it is configured, for example <c>Badges:Badges[0] 'first-order'.DisplayNames</c>.</param>
    /// <param name="failures">Where failures go.</param>
    public static void ValidateDisplayNames(IEnumerable<KeyValuePair<string, string>> names, string path, ICollection<string> failures)
    {
        foreach (var (culture, name) in names)
        {
            if (string.IsNullOrWhiteSpace(culture) || culture.Length > DisplayNames.MaxLength)
            {
                failures.Add($"{path}: a culture name must be 1 to {DisplayNames.MaxLength} characters (was '{culture}').");
            }
            else if (string.IsNullOrWhiteSpace(name) || name.Length > DisplayNames.MaxLength)
            {
                failures.Add($"{path}[{culture}]: the display name must be 1 to {DisplayNames.MaxLength} characters.");
            }
        }
    }

    /// <summary>A read-only copy of a validated display-name map that compares culture names ignoring case, or <see langword="null"/> when it is empty.</summary>
    /// <param name="names">The configured map.</param>
    /// <returns>The copy.</returns>
    public static IReadOnlyDictionary<string, string>? FreezeDisplayNames(ICollection<KeyValuePair<string, string>> names) =>
        names.Count == 0 ? null : new Dictionary<string, string>(names, StringComparer.OrdinalIgnoreCase);
}
