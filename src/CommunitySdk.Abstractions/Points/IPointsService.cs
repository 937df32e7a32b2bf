namespace CommunitySdk.Points;

/// <summary>Activity types of the points feature's direct commands, and the attributes they carry.</summary>
public static class PointsActivityTypes
{
    /// <summary>An operator awards points. Value = amount; attributes <c>currency</c>, <c>reason</c>.</summary>
    public const string Award = "points.award";

    /// <summary>An operator deducts points. Value = amount; attributes <c>currency</c>, <c>reason</c>.</summary>
    public const string Deduct = "points.deduct";

    /// <summary>A member spends points. Value = amount; attributes <c>currency</c>, <c>reason</c>.</summary>
    public const string Spend = "points.spend";

    /// <summary>The reversal command of earlier versions: reversals are now the core's <see cref="CommunityActivityTypes.Reverse"/>.</summary>
    public const string Reverse = "points.reverse";

    /// <summary>The expiry sweep for one member: writes expiry entries and expiring notices as of the activity's time.</summary>
    public const string Expire = "points.expire";

    /// <summary>Attribute: the currency.</summary>
    public const string CurrencyAttribute = "currency";

    /// <summary>Attribute: the reason.</summary>
    public const string ReasonAttribute = "reason";

    /// <summary>Attribute: the idempotency key of the activity whose awards a reversal takes back.</summary>
    public const string SourceAttribute = "source";
}

/// <summary>Reads balances, history, upcoming expiries and totals earned.</summary>
public interface IPointsReader
{
    /// <summary>A member's balance in one currency.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The balance.</returns>
    /// <exception cref="CommunityValidationException">Unknown currency (field <c>currency</c>).</exception>
    ValueTask<PointsBalance> GetBalanceAsync(CommunityId community, MemberId member, string currency, CancellationToken cancellationToken = default);

    /// <summary>A member's balance in every declared currency.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One balance per currency, in declaration order.</returns>
    ValueTask<IReadOnlyList<PointsBalance>> GetBalancesAsync(CommunityId community, MemberId member, CancellationToken cancellationToken = default);

    /// <summary>A member's ledger entries, newest first, paged.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="request">Currency filter and paging; <see langword="null"/> for the first 20 entries of every currency.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One page.</returns>
    ValueTask<LedgerPage> GetHistoryAsync(CommunityId community, MemberId member, LedgerPageRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Every lot with points left that will expire, earliest first (not only the next one).</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The lots.</returns>
    ValueTask<IReadOnlyList<ExpiringLot>> GetUpcomingExpiriesAsync(CommunityId community, MemberId member, string currency, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points earned in <c>[windowStart, windowEnd)</c>: awards made in the window minus later reversals of those
    /// awards (a refund takes the points back from the window they were earned in). Spending and expiry do not count.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="windowStart">Start, inclusive.</param>
    /// <param name="windowEnd">End, exclusive.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The net amount earned.</returns>
    ValueTask<decimal> GetEarnedAsync(CommunityId community, MemberId member, string currency, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken = default);
}

/// <summary>Points commands (each is an activity, so the log replays it) and queries.</summary>
public interface IPointsService : IPointsReader
{
    /// <summary>An operator awards points, with a mandatory reason.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="amount">A positive amount.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    ValueTask<ActivityOutcome> AwardAsync(CommunityId community, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>An operator deducts points, with a mandatory reason. A balance never goes below zero.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="amount">A positive amount.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InsufficientPointsException">The balance is smaller than the amount.</exception>
    ValueTask<ActivityOutcome> DeductAsync(CommunityId community, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>A member spends points of a spendable currency; expiring lots go first.</summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">A spendable currency.</param>
    /// <param name="amount">A positive amount.</param>
    /// <param name="reason">What for (required).</param>
    /// <param name="idempotencyKey">The caller's key.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InsufficientPointsException">The available balance is smaller than the amount.</exception>
    ValueTask<ActivityOutcome> SpendAsync(CommunityId community, MemberId member, string currency, decimal amount, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reverses an earlier activity (the core's <see cref="CommunityActivityTypes.Reverse"/>, which every feature
    /// reacts to): every award made for it is taken back (all members, all currencies), for example when its order is
    /// refunded. Cap-aware: room the reversed awards used is given back, and awards the cap cut in that period are
    /// re-credited (within <c>PointsOptions.RecreditWindow</c>). Reversing again is a no-op.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member of the earlier activity.</param>
    /// <param name="sourceIdempotencyKey">The idempotency key of the earlier activity.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="idempotencyKey">The caller's key for the reversal.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CommunityValidationException">No activity was recorded under that key, it is another member's, or it is older than the reversal window (field <c>source</c>).</exception>
    ValueTask<ActivityOutcome> ReverseAsync(CommunityId community, MemberId member, string sourceIdempotencyKey, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The expiry sweep at the current time: for every member with expired lots it writes expiry entries, and
    /// for lots inside a currency's notice period a <see cref="PointsExpiring"/> notice (once per lot).
    /// Idempotent: running it again writes nothing new.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many members had something written.</returns>
    ValueTask<int> SweepExpiryAsync(CommunityId community, CancellationToken cancellationToken = default);
}

/// <summary>
/// Awards points from inside another feature's reactor (for example a referral reward), in the same unit of
/// work: the award commits or rolls back with the activity and obeys currencies, expiry and pending rules.
/// </summary>
public interface IPointsAwarder
{
    /// <summary>The declared currencies, so other features can check their configuration at start.</summary>
    IReadOnlyCollection<string> Currencies { get; }

    /// <summary>Awards points to a member in the current unit of work.</summary>
    /// <param name="context">The unit of work.</param>
    /// <param name="member">The member to award (need not be the activity's member).</param>
    /// <param name="currency">The currency.</param>
    /// <param name="amount">A positive amount.</param>
    /// <param name="reason">Why.</param>
    /// <param name="sourceKey">
    /// The idempotency key of the activity the award is for: reversing that activity takes the award back.
    /// Defaults to the current activity.
    /// </param>
    /// <returns>The award, as emitted.</returns>
    PointsAwarded Award(ActivityContext context, MemberId member, string currency, decimal amount, string reason, string? sourceKey = null);

    /// <summary>
    /// A member's total in a currency as the unit of work sees it: committed, plus every points event emitted so far in
    /// it (for another feature's rules, such as a tier that needs a balance).
    /// </summary>
    /// <param name="context">The unit of work.</param>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <returns>The total.</returns>
    decimal Balance(ActivityContext context, MemberId member, string currency);
}

/// <summary>A member's balance in one currency.</summary>
/// <param name="Currency">The currency.</param>
/// <param name="Total">The sum of the member's ledger entries (includes pending and not-yet-swept expired points).</param>
/// <param name="Available">What can be spent now: not pending, not expired.</param>
/// <param name="Pending">Held in a return window, spendable later.</param>
public sealed record PointsBalance(string Currency, decimal Total, decimal Available, decimal Pending)
{
    /// <summary>The currency's display name in the current UI culture (the currency's name when it has none for the culture).</summary>
    public string CurrencyDisplayName { get; init; } = Currency;
}

/// <summary>A lot of points that will expire.</summary>
/// <param name="Currency">The currency.</param>
/// <param name="Remaining">Points of the lot left.</param>
/// <param name="ExpiresAt">When they expire.</param>
/// <param name="AwardedAt">When the lot was awarded.</param>
public sealed record ExpiringLot(string Currency, decimal Remaining, DateTimeOffset ExpiresAt, DateTimeOffset AwardedAt);

/// <summary>A ledger entry as shown in a member's history.</summary>
/// <param name="ActivityId">The activity that wrote it.</param>
/// <param name="Index">Its index among the activity's events.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Amount">Signed amount.</param>
/// <param name="Kind">Awarded, Spent, Deducted, Reversed or Expired.</param>
/// <param name="Reason">Why.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="ExpiresAt">For an award of an expiring currency, when it expires.</param>
public sealed record LedgerEntry(long ActivityId, int Index, string Currency, decimal Amount, string Kind, string Reason, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>The entry's id: <c>{ActivityId}.{Index}</c>.</summary>
    public string Id => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ActivityId}.{Index}");
}

/// <summary>Asks for a page of ledger history, newest first.</summary>
/// <param name="Currency">Only this currency; <see langword="null"/> for all.</param>
/// <param name="PageSize">1 to 500.</param>
/// <param name="Before">Cursor: the <see cref="LedgerPage.Next"/> of the previous page.</param>
public sealed record LedgerPageRequest(string? Currency = null, int PageSize = 20, LedgerCursor? Before = null);

/// <summary>A position in a ledger history.</summary>
/// <param name="ActivityId">The activity id.</param>
/// <param name="Index">The index.</param>
public sealed record LedgerCursor(long ActivityId, int Index);

/// <summary>A page of ledger history.</summary>
/// <param name="Items">Entries, newest first.</param>
/// <param name="Next">The request for the next page, or <see langword="null"/> at the end.</param>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Items, LedgerPageRequest? Next);

/// <summary>
/// The available balance is smaller than the amount asked for (field <c>amount</c>). Nothing was written.
/// </summary>
public sealed class InsufficientPointsException : CommunityValidationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member.</param>
    /// <param name="currency">The currency.</param>
    /// <param name="requested">The amount asked for.</param>
    /// <param name="available">The amount available.</param>
    public InsufficientPointsException(MemberId member, string currency, decimal requested, decimal available)
        : base("amount", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{requested} {currency} exceeds the {available} available to member '{member}'"))
    {
        Member = member;
        Currency = currency;
        Requested = requested;
        Available = available;
    }

    /// <summary>The member.</summary>
    public MemberId Member { get; }

    /// <summary>The currency.</summary>
    public string Currency { get; }

    /// <summary>The amount asked for.</summary>
    public decimal Requested { get; }

    /// <summary>The amount available.</summary>
    public decimal Available { get; }
}
