using System.Globalization;
using CommunitySdk.Points;
using CommunitySdk.Referrals;
using CommunitySdk.Shop.Resources;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Shop.Pages;

public sealed class SignUpModel(IMemberDirectory directory, IReferralService referrals, IOptions<ReferralOptions> referralOptions, IPointsService points, Catalog catalog, IStringLocalizer<Texts> t) : PageModel
{
    public IReadOnlyList<string> Cities => catalog.Cities;

    public string? Name { get; private set; }

    public string? Code { get; private set; }

    public string? Error { get; private set; }

    /// <summary>"Lena invited you: ..." when the link's code is one of ours.</summary>
    public string? Invitation { get; private set; }

    public async Task OnGetAsync(string? code, CancellationToken cancellationToken)
    {
        Code = code;
        if (!string.IsNullOrWhiteSpace(code) && await referrals.FindCodeAsync(ShopApp.Community, code, cancellationToken) is { Enabled: true } found
            && await directory.GetAsync(ShopApp.Community, found.Owner, cancellationToken) is { } owner)
        {
            var rewards = referralOptions.Value;
            var currency = (await points.GetBalanceAsync(ShopApp.Community, found.Owner, rewards.RewardCurrency!, cancellationToken)).CurrencyDisplayName;
            Invitation = t[
                "{0} invited you. When you place your first order, you get {1} {2} and {0} gets {3}.",
                owner.DisplayName,
                rewards.InviteeReward.ToString("0.##", CultureInfo.CurrentCulture),
                currency,
                rewards.InviterReward.ToString("0.##", CultureInfo.CurrentCulture)];
        }
    }

    public async Task<IActionResult> OnPostAsync(string name, string city, string? code, CancellationToken cancellationToken)
    {
        (Name, Code) = (name, code);
        if (!MemberId.TryCreate(name?.Trim().ToLowerInvariant(), out var member))
        {
            Error = t["Pick a name (up to 128 characters)."];
            return Page();
        }

        try
        {
            await directory.JoinAsync(
                ShopApp.Community,
                member,
                new JoinRequest { Profile = ShopApp.Profile(member, city), ReferralCode = string.IsNullOrWhiteSpace(code) ? null : code.Trim() },
                cancellationToken);
        }
        catch (MemberAlreadyJoinedException)
        {
            Error = t["'{0}' is taken; sign in instead.", member.Value];
            return Page();
        }
        catch (CommunityValidationException ex)
        {
            Error = $"{ex.Field}: {ex.Reason}";
            return Page();
        }

        await referrals.GetOrCreateCodeAsync(ShopApp.Community, member, cancellationToken); // a POST creates the invite code; pages only read it
        await ShopApp.SignInAsync(HttpContext, member);
        return Redirect("/");
    }

    public async Task<IActionResult> OnPostSignInAsync(string name, CancellationToken cancellationToken)
    {
        if (!MemberId.TryCreate(name?.Trim().ToLowerInvariant(), out var member) || await directory.GetAsync(ShopApp.Community, member, cancellationToken) is null)
        {
            Error = t["No such member; join first."];
            return Page();
        }

        await referrals.GetOrCreateCodeAsync(ShopApp.Community, member, cancellationToken);
        await ShopApp.SignInAsync(HttpContext, member);
        return Redirect("/community");
    }
}
