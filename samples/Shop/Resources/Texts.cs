namespace CommunitySdk.Shop.Resources;

/// <summary>
/// The shop's texts for <c>IStringLocalizer&lt;Texts&gt;</c>: the English text is the key (and what English pages show);
/// <c>Texts.zh-Hans.resx</c> holds the Simplified Chinese for zh-CN, zh-Hans and zh-SG.
/// </summary>
public sealed class Texts
{
    private Texts()
    {
    }
}
