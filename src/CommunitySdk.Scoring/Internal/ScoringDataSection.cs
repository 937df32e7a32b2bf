using System.Text.Json;

namespace CommunitySdk.Scoring.Internal;

/// <summary>The <c>scoring</c> section of a member export: the score and its parts, the rank, the tier and its progress.</summary>
internal sealed class ScoringDataSection(IScoringService scoring, ITierService tiers) : IMemberDataSection
{
    public string Name => "scoring";

    public async ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var score = await scoring.ExplainAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        var rank = await scoring.RankAsync(context.Community, new LeaderboardKey(LeaderboardKind.Score), context.Member, cancellationToken).ConfigureAwait(false);
        var progress = await tiers.GetProgressAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteNumber("score", score.Score);
        writer.WriteNumber("engagement", score.Engagement);
        writer.WriteNumber("network", score.Network);
        if (rank is null)
        {
            writer.WriteNull("rank");
        }
        else
        {
            writer.WriteNumber("rank", rank.Rank);
        }

        writer.WriteStartObject("tier");
        writer.WriteString("name", progress.Tier);
        writer.WriteString("next", progress.NextTier);
        writer.WriteBoolean("locked", progress.Locked);
        WriteTime(writer, "suspendedUntil", progress.SuspendedUntil);
        WriteTime(writer, "protectedUntil", progress.ProtectedUntil);
        WriteTime(writer, "demotionAt", progress.DemotionAt);
        WriteRequirements(writer, "keep", progress.Keep);
        WriteRequirements(writer, "nextRequires", progress.Next);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteRequirements(Utf8JsonWriter writer, string name, IReadOnlyList<TierRequirementProgress> requirements)
    {
        writer.WriteStartArray(name);
        foreach (var requirement in requirements)
        {
            writer.WriteStartObject();
            writer.WriteString("name", requirement.Name);
            writer.WriteNumber("value", requirement.Value);
            writer.WriteNumber("target", requirement.Target);
            writer.WriteBoolean("met", requirement.Met);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
