using System.Diagnostics.CodeAnalysis;

namespace CommunitySdk;

/// <summary>
/// Identifies a member inside a community: the host's own customer or user id. The same text in two
/// communities names two different members.
/// Valid ids are non-empty, at most 128 characters and free of control characters; comparison is ordinal.
/// </summary>
public readonly record struct MemberId
{
    private readonly string? _value;

    /// <summary>Creates an id, validating it.</summary>
    /// <param name="value">The id text.</param>
    /// <exception cref="CommunityValidationException">The value is empty, too long or has control characters (field <c>memberId</c>).</exception>
    public MemberId(string value) => _value = IdRules.Require(value, "memberId");

    /// <summary>The id text; empty only for <c>default(MemberId)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether this is <c>default(MemberId)</c>, which no operation accepts.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Tries to create an id without throwing.</summary>
    /// <param name="value">The id text.</param>
    /// <param name="id">The id when <paramref name="value"/> is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid id.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? value, out MemberId id)
    {
        id = IdRules.Check(value) is null ? new MemberId(value!) : default;
        return !id.IsEmpty;
    }

    /// <summary>The id text.</summary>
    public override string ToString() => Value;
}
