using System.Text.Json;

namespace CommunitySdk;

/// <summary>
/// Exports everything a community holds about one member as one JSON document (a data access request under GDPR
/// article 15 or PIPL article 45). The schema is <see cref="Schema"/>, documented in docs/privacy.md.
/// </summary>
public interface IMemberDataExporter
{
    /// <summary>The schema name and version the document states in its <c>schema</c> property.</summary>
    public const string Schema = "communitysdk.member-export/1";

    /// <summary>
    /// Writes the member's document to <paramref name="destination"/> as UTF-8 JSON: the profile, every activity of
    /// the member (and, without another member's id or attributes, the activities of others that concern them), then
    /// one section per registered feature (<see cref="IMemberDataSection"/>). Long histories are read and written
    /// page by page, so memory does not grow with them.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member.</param>
    /// <param name="destination">Where the document is written; left open.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the whole document is written and flushed.</returns>
    /// <exception cref="MemberNotFoundException">The member never joined (nothing is written).</exception>
    ValueTask ExportAsync(CommunityId community, MemberId member, Stream destination, CancellationToken cancellationToken = default);
}

/// <summary>
/// One feature's part of a member export (<c>points</c>, <c>badges</c>, ...). A feature registers one with
/// <c>TryAddEnumerable</c>; a host may add its own for data it keeps beside the SDK's.
/// </summary>
public interface IMemberDataSection
{
    /// <summary>The section's property name in the document (lowercase, stable).</summary>
    string Name { get; }

    /// <summary>Writes the section's value (one JSON value, usually an object) for the member of <paramref name="context"/>.</summary>
    /// <param name="context">The member and community, and how to name other members.</param>
    /// <param name="writer">The document's writer, positioned after the section's property name.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>A task that completes when the value is written.</returns>
    ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken);
}

/// <summary>The member an export is for, and how sections name other members: by display name, never by id.</summary>
/// <param name="Community">The community.</param>
/// <param name="Member">The member.</param>
/// <param name="Members">The member directory, for the display names of other members.</param>
public sealed record MemberExportContext(CommunityId Community, MemberId Member, IMemberDirectory Members)
{
    /// <summary>
    /// How the exported member sees another member: the display name the community shows (as the member endpoints
    /// do), never the other member's id, which may be an e-mail address.
    /// </summary>
    /// <param name="other">The other member.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The display name, or <c>a former member</c> when the directory no longer knows them.</returns>
    public async ValueTask<string> NameOfAsync(MemberId other, CancellationToken cancellationToken = default) =>
        (await Members.GetAsync(Community, other, cancellationToken).ConfigureAwait(false))?.DisplayName ?? "a former member";
}

/// <summary>
/// Erases a member (a deletion request under GDPR article 17 or PIPL article 47) while the books still balance: every
/// trace of the member's id is replaced by a tombstone id that cannot be derived from it, their profile and free-text
/// attributes are dropped, and everything else (balances, badges, ranks and tiers of every other member, ledger sums per
/// currency, the shape of the invite forest) is unchanged. See docs/privacy.md.
/// </summary>
public interface IMemberEraser
{
    /// <summary>
    /// Erases <paramref name="member"/> from the community's log, its projections and snapshots, and (through the
    /// published <see cref="MemberErased"/> event) from derived stores such as shared leaderboards. The log is rewritten
    /// and the erasure recorded in one transaction of the store: a crash leaves either all of it or none of it, and a
    /// retry finishes the job. Idempotent: when nothing about the id is stored (already erased, or never there), nothing
    /// is written and <see cref="MemberErasure.Erased"/> is <see langword="false"/>.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="member">The member to erase.</param>
    /// <param name="reason">Why, for the audit trail (recorded in <see cref="MemberErased"/>), 1 to 200 characters; must not itself hold personal data.</param>
    /// <param name="cancellationToken">Cancellation (before the erasure commits).</param>
    /// <returns>What was done.</returns>
    /// <exception cref="CommunityValidationException">The member or reason is missing or too long.</exception>
    /// <exception cref="NotSupportedException">The store cannot rewrite its log (it does not implement <see cref="Storage.ICommunityRewriteSession"/>).</exception>
    ValueTask<MemberErasure> EraseAsync(CommunityId community, MemberId member, string reason, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of an erasure.</summary>
/// <param name="Erased">Whether anything was erased (<see langword="false"/>: nothing about the id was stored).</param>
/// <param name="Tombstone">The id that now stands for the member (random, <c>erased-</c> and 32 hex digits), or <see langword="null"/>.</param>
/// <param name="ActivityId">The recorded erasure activity, or the log's last id when nothing was erased.</param>
/// <param name="ActivitiesRewritten">Log entries that mentioned the member and were rewritten.</param>
public sealed record MemberErasure(bool Erased, MemberId? Tombstone, long ActivityId, int ActivitiesRewritten);

/// <summary>
/// A member was erased (<see cref="IMemberEraser"/>). <see cref="CommunityEvent.Member"/> is the tombstone; the event holds
/// no personal data. Projections fold the community again from the rewritten log when they meet it; handlers of derived
/// stores rebuild what they keep for the community.
/// </summary>
public sealed record MemberErased : CommunityEvent
{
    /// <summary>Why, as the operator gave it.</summary>
    public required string Reason { get; init; }

    /// <summary>How many log entries were rewritten.</summary>
    public int ActivitiesRewritten { get; init; }
}

/// <summary>
/// Retention: free-text attributes of activities older than the retention period are dropped from the log, keeping
/// what the rules need (see <c>CommunityOptions.Privacy</c>, docs/privacy.md). CommunitySdk.AspNetCore's background
/// jobs run it daily; a host without them calls it on its own schedule.
/// </summary>
public interface IActivityRetention
{
    /// <summary>
    /// Drops the free-text attributes of the community's activities recorded before now minus the retention period, in
    /// one store transaction; nothing when no retention period is configured. Idempotent.
    /// </summary>
    /// <param name="community">The community.</param>
    /// <param name="cancellationToken">Cancellation (before the rewrite commits).</param>
    /// <returns>How many activities were rewritten.</returns>
    ValueTask<int> ApplyAsync(CommunityId community, CancellationToken cancellationToken = default);
}
