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
}
