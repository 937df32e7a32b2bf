using FsCheck.Xunit;
using static CommunitySdk.Points.Tests.Points;

namespace CommunitySdk.Points.Tests;

/// <summary>
/// For any sequence of awards, spends, deductions, reversals, expiry sweeps and clock moves: every balance
/// equals the sum of its ledger entries, never goes negative, and rejected commands write nothing.
/// FsCheck generates (and shrinks) the script: four bytes per step.
/// </summary>
public class LedgerPropertyTests
{
    private static readonly MemberId[] Members = [Alice, Bob, new("carol")];
    private static readonly string[] Currencies = ["coins", "reputation"];

    [Property(MaxTest = 120)]
    public void Balances_equal_ledger_sums_and_never_go_negative(byte[] script) => RunAsync(script).GetAwaiter().GetResult();

    private static async Task RunAsync(byte[] script)
    {
        await using var host = Host(p => p
            .Currency("coins", spendable: true, c => { c.Expiry = ExpiryMode.AfterDays; c.ExpiryDays = 4; c.PendingDays = 1; })
            .Currency("reputation", configure: c => c.DailyCap = 50)
            .Rule("order.completed", perUnit: 1, currency: "coins")
            .Rule("answer.upvoted", amount: 10, currency: "reputation"));
        var service = host.Service();
        var keys = new List<string>();
        for (var i = 0; i + 3 < script.Length; i += 4)
        {
            var member = Members[script[i + 1] % Members.Length];
            decimal amount = script[i + 2] % 60 + 1;
            var key = $"op{i}";
            var before = await host.LastActivity();
            try
            {
                switch (script[i] % 7)
                {
                    case 0: await host.Do(key, "order.completed", member, value: amount); keys.Add(key); break;
                    case 1: await host.Do(key, "answer.upvoted", member); keys.Add(key); break;
                    case 2: await service.SpendAsync(Shop, member, "coins", amount, "spend", key); break;
                    case 3: await service.DeductAsync(Shop, member, Currencies[script[i + 2] % 2], amount, "deduct", key); break;
                    case 4 when keys.Count > 0: await service.ReverseAsync(Shop, member, keys[script[i + 2] % keys.Count], "reverse", key); break;
                    case 5: await service.SweepExpiryAsync(Shop); break;
                    default: await service.AwardAsync(Shop, member, "coins", amount, "manual", key); keys.Add(key); break;
                }
            }
            catch (CommunityValidationException)
            {
                Assert.Equal(before, await host.LastActivity()); // a rejected command writes nothing
            }

            host.Clock.Advance(TimeSpan.FromHours(script[i + 3] % 40));
            await AssertInvariantsAsync(host);
        }
    }

    private static async Task AssertInvariantsAsync(Testing.TestHost host)
    {
        foreach (var member in Members)
        {
            var ledger = await host.Ledger(member);
            foreach (var currency in Currencies)
            {
                var balance = await host.Balance(currency, member);
                Assert.Equal(ledger.Where(e => e.Currency == currency).Sum(e => e.Amount), balance.Total);
                Assert.True(balance.Available >= 0, $"available {balance.Available}");
                Assert.True(balance.Pending >= 0, $"pending {balance.Pending}");
                Assert.True(balance.Total >= balance.Available + balance.Pending, $"{balance}");
            }
        }
    }
}
