using System.Security.Cryptography;
using System.Text;

namespace CommunitySdk.Referrals.Internal;

/// <summary>
/// Referral code text: generated codes use an alphabet without look-alikes (no 0/O, 1/I/L, U/V); every code,
/// vanity ones included, is compared by its skeleton (O→0, I/L→1, U→V), so two codes that read alike cannot
/// both exist and a member who types O for 0 still finds the code. Codes containing an offensive word are refused.
/// </summary>
internal static class CodeRules
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int MinVanityLength = 4;
    public const int MaxLength = 20;

    /// <summary>The largest use limit a code may have.</summary>
    public const int MaxUses = 1_000_000;

    // Kept short and in skeleton form (O→0, I/L→1, U→V), so spelling games with look-alikes are caught too.
    private static readonly string[] Blocked =
    [
        "A55", "FVCK", "FVK", "FCK", "5H1T", "SHT", "CVNT", "D1CK", "C0CK", "P0RN", "SEX", "NAZ1", "KKK", "D1E", "K1LL", "SCAM", "F4G", "FAG", "N1GG", "B1TCH", "WTF", "XXX", "666",
    ];

    /// <summary>A random code from <see cref="Alphabet"/>, drawn again until no offensive word shows.</summary>
    public static string Generate(int length)
    {
        Span<char> chars = stackalloc char[length];
        while (true)
        {
            for (var i = 0; i < length; i++)
            {
                chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            var code = new string(chars);
            if (Check(code, vanity: false) is null)
            {
                return code;
            }
        }
    }

    /// <summary>Upper case, trimmed.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>The form two codes are compared in.</summary>
    public static string Skeleton(string code)
    {
        var text = new StringBuilder(code.Length);
        foreach (var c in Normalize(code))
        {
            text.Append(c switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                'U' => 'V',
                'S' => '5',
                _ => c,
            });
        }

        return text.ToString();
    }

    /// <summary>Why a code is unacceptable, or <see langword="null"/>.</summary>
    public static string? Check(string code, bool vanity)
    {
        var normalized = Normalize(code);
        var min = vanity ? MinVanityLength : 4;
        if (normalized.Length < min || normalized.Length > MaxLength)
        {
            return $"must be {min} to {MaxLength} characters";
        }

        if (!normalized.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')))
        {
            return "may only contain letters A-Z and digits";
        }

        var skeleton = Skeleton(normalized);
        return Blocked.Any(word => skeleton.Contains(Skeleton(word), StringComparison.Ordinal)) ? "is not allowed (offensive)" : null;
    }
}
