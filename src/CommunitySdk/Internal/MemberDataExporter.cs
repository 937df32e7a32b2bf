using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace CommunitySdk.Internal;

/// <summary>
/// Writes a member's export document: the header, the profile and the activity history (page by page, flushed after
/// each page), then every registered feature section in registration order.
/// </summary>
internal sealed class MemberDataExporter(ICommunity history, IMemberDirectory members, IEnumerable<IMemberDataSection> sections, TimeProvider time) : IMemberDataExporter
{
    /// <summary>JSON for people: indented, Chinese and other non-ASCII text as is (still escaping HTML-sensitive characters).</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly IMemberDataSection[] _sections = [.. sections];

    public async ValueTask ExportAsync(CommunityId community, MemberId member, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var info = await members.GetAsync(community, member, cancellationToken).ConfigureAwait(false)
            ?? throw new MemberNotFoundException(community, member);
        var context = new MemberExportContext(community, member, members);
        var writer = new Utf8JsonWriter(destination, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", IMemberDataExporter.Schema);
            writer.WriteString("community", community.Value);
            writer.WriteString("member", member.Value);
            writer.WriteString("exportedAt", time.GetUtcNow());

            writer.WriteStartObject("profile");
            writer.WriteString("joinedAt", info.JoinedAt);
            writer.WriteNumber("number", info.Number);
            writer.WriteString("displayName", info.DisplayName);
            writer.WriteStartObject("fields");
            foreach (var (key, value) in info.Profile.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartArray("activities");
            ActivityPageRequest? page = new(ActivityPageRequest.MaxPageSize);
            while (page is not null)
            {
                var result = await history.GetHistoryAsync(community, member, page, cancellationToken).ConfigureAwait(false);
                foreach (var committed in result.Items)
                {
                    WriteActivity(writer, committed, member);
                }

                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                page = result.Next;
            }

            writer.WriteEndArray();
            foreach (var section in _sections)
            {
                writer.WritePropertyName(section.Name);
                await section.WriteAsync(context, writer, cancellationToken).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The member's own activity in full; another member's activity that concerns them (an invitee's order that paid
    /// a referral reward) only by its id, type and times: the other member's id, value and attributes are theirs.
    /// </summary>
    private static void WriteActivity(Utf8JsonWriter writer, CommittedActivity committed, MemberId member)
    {
        var activity = committed.Activity;
        var own = activity.Member == member;
        writer.WriteStartObject();
        writer.WriteNumber("activityId", committed.ActivityId);
        writer.WriteString("type", activity.Type);
        writer.WriteString("occurredAt", activity.OccurredAt ?? committed.RecordedAt);
        writer.WriteString("recordedAt", committed.RecordedAt);
        writer.WriteBoolean("own", own);
        if (own)
        {
            writer.WriteString("idempotencyKey", activity.IdempotencyKey);
            if (activity.Value is { } amount)
            {
                writer.WriteNumber("value", amount);
            }

            writer.WriteStartObject("attributes");
            foreach (var (key, value) in activity.Attributes)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
