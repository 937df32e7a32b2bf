using CommunitySdk.Referrals;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CommunitySdk.Shop.Pages;

public sealed class SignUpModel(IMemberDirectory directory, IReferralService referrals, Catalog catalog) : PageModel
{
    public IReadOnlyList<string> Cities => catalog.Cities;

    public string? Name { get; private set; }

    public string? Code { get; private set; }

    public string? Error { get; private set; }

    public void OnGet(string? code) => Code = code;

    public async Task<IActionResult> OnPostAsync(string name, string city, string? code, CancellationToken cancellationToken)
    {
        (Name, Code) = (name, code);
        if (!MemberId.TryCreate(name?.Trim().ToLowerInvariant(), out var member))
        {
            Error = "Pick a name (up to 128 characters).";
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
            Error = $"'{member.Value}' is taken; sign in instead.";
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
            Error = "No such member; join first.";
            return Page();
        }

        await referrals.GetOrCreateCodeAsync(ShopApp.Community, member, cancellationToken);
        await ShopApp.SignInAsync(HttpContext, member);
        return Redirect("/community");
    }
}
