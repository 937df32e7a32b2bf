using System.Collections;
using System.Reflection;
using CommunitySdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Start-up validation that configuration names only settings the options have.</summary>
public static class ConfigurationKeysValidation
{
    /// <summary>
    /// Fails options validation for every key of <paramref name="configuration"/> (and of its nested objects, lists and
    /// dictionaries of SDK types) that no property binds — a misspelt setting would otherwise be ignored without a word.
    /// Keys are matched as the binder matches them: the property's name or its <see cref="ConfigurationKeyNameAttribute"/>,
    /// case-insensitively. Each failure names the full configuration path.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="configuration">The section the options are bound from.</param>
    /// <param name="ignoredKeys">Top-level keys that belong to someone else (sub-sections of other packages).</param>
    /// <returns>The builder.</returns>
    public static OptionsBuilder<TOptions> ValidateConfigurationKeys<TOptions>(this OptionsBuilder<TOptions> builder, IConfiguration configuration, params string[] ignoredKeys)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(ignoredKeys);
        var failures = new List<string>();
        Check(configuration.GetChildren(), typeof(TOptions), failures, ignoredKeys);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new UnknownKeys<TOptions>(builder.Name, failures));
        return builder;
    }

    private static void Check(IEnumerable<IConfigurationSection> children, Type type, List<string> failures, string[] ignored)
    {
        foreach (var child in children)
        {
            if (Array.Exists(ignored, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
                string.Equals(p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                failures.Add($"{child.Path}: {type.Name} has no setting '{child.Key}'.");
                continue;
            }

            var propertyType = property.PropertyType;
            if (IsSdk(propertyType))
            {
                Check(child.GetChildren(), propertyType, failures, []);
            }
            else if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType) && propertyType.IsGenericType
                && propertyType.GetGenericArguments()[^1] is var item && IsSdk(item))
            {
                foreach (var element in child.GetChildren())
                {
                    Check(element.GetChildren(), item, failures, []); // a list index or a dictionary key
                }
            }
        }
    }

    private static bool IsSdk(Type type) => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CommunitySdk", StringComparison.Ordinal) == true;

    private sealed class UnknownKeys<TOptions>(string? name, List<string> failures) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options) =>
            failures.Count == 0 || (name is not null && optionsName != name) ? ValidateOptionsResult.Skip : ValidateOptionsResult.Fail(failures);
    }
}
