using CommunitySdk.Referrals;
using CommunitySdk.Shop.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CommunitySdk.Shop.Pages;

public sealed class SignUpModel(IMemberDirectory directory, IReferralService referrals, IOptions<ReferralOptions> referralOptions, Catalog catalog) : PageModel
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
            Invitation = $"{owner.DisplayName} invited you. When you place your first order, you get {rewards.InviteeReward:0.##} {rewards.RewardCurrency} and {owner.DisplayName} gets {rewards.InviterReward:0.##}.";
        }
    }

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
