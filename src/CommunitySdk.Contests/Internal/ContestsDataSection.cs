using System.Text.Json;

namespace CommunitySdk.Contests.Internal;

/// <summary>The <c>contests</c> section of a member export: per contest, the entries the member (co-)authored and their votes.</summary>
internal sealed class ContestsDataSection(IContestService contests) : IMemberDataSection
{
    public string Name => "contests";

    public async ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartArray();
        foreach (var contest in await contests.ListAsync(context.Community, cancellationToken).ConfigureAwait(false))
        {
            var entries = await contests.EntriesOfAsync(context.Community, contest.Id, context.Member, cancellationToken).ConfigureAwait(false);
            var votes = await contests.VotesOfAsync(context.Community, contest.Id, context.Member, cancellationToken).ConfigureAwait(false);
            if (entries.Count == 0 && votes.Votes.Count == 0)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("contest", contest.Id);
            writer.WriteString("title", contest.Title);
            writer.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("entry", entry.Id);
                writer.WriteString("title", entry.Title);
                writer.WriteString("text", entry.Text);
                writer.WriteString("status", entry.Status.ToString());
                writer.WriteString("submittedAt", entry.SubmittedAt);
                writer.WriteBoolean("author", entry.Author == context.Member);
                writer.WriteNumber("votes", entry.Votes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("votes");
            foreach (var vote in votes.Votes)
            {
                writer.WriteStartObject();
                writer.WriteString("entry", vote.Entry);
                writer.WriteNumber("votes", vote.Votes);
                writer.WriteString("status", vote.Status.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
