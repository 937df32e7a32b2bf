using System.Globalization;
using CommunitySdk.Badges;

namespace CommunitySdk.Shop.Services;

/// <summary>The shop's badge icons: a disc in the grade's colour with a white glyph for what the badge is for (inline SVG, decorative).</summary>
public static class BadgeIcons
{
    // 24×24 stroke glyphs.
    private const string Bag = "M6 8h12l-1 12H7z M9 8a3 3 0 0 1 6 0";
    private const string Star = "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z";
    private const string Bubble = "M4 5h16v10H9l-5 4z";
    private const string People = "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M2 20c0-3 3-5 6-5s6 2 6 5 M10 20c0-3 3-5 6-5s6 2 6 5";
    private const string Coin = "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M15 8.5a4 4 0 1 0 0 7 M8 11h5 M8 13h5";
    private const string Heart = "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z";
    private const string Calendar = "M4 6h16v14H4z M4 10h16 M8 3v5 M16 3v5";
    private const string Medal = "M12 4a6 6 0 1 0 0 12 6 6 0 0 0 0-12z M9 15l-2 6 5-2 5 2-2-6";

    /// <summary>The icon of a badge as an inline SVG element.</summary>
    public static string Svg(BadgeInfo badge)
    {
        ArgumentNullException.ThrowIfNull(badge);
        var glyph = (badge.Family ?? badge.Id) switch
        {
            "first-order" => Bag,
            "loyal-customer" => Star,
            "first-post" => Bubble,
            "connector" => People,
            "big-spender" => Coin,
            "helper" => Heart,
            "meetups" => Calendar,
            _ => Medal,
        };
        var fill = badge.Grade switch
        {
            BadgeGrade.Bronze => "#9a5b22",
            BadgeGrade.Silver => "#5f6b75",
            BadgeGrade.Gold => "#8a6a00",
            _ => "#2f6f6f",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"<svg class=\"icon\" viewBox=\"0 0 32 32\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"16\" cy=\"16\" r=\"16\" fill=\"{fill}\"/><g transform=\"translate(4 4)\" fill=\"none\" stroke=\"#fff\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><path d=\"{glyph}\"/></g></svg>");
    }
}
