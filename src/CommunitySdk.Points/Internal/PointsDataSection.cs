using System.Text.Json;

namespace CommunitySdk.Points.Internal;

/// <summary>The <c>points</c> section of a member export: balances and, per currency, the whole ledger, newest first.</summary>
internal sealed class PointsDataSection(IPointsService points) : IMemberDataSection
{
    public string Name => "points";

    public async ValueTask WriteAsync(MemberExportContext context, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var balances = await points.GetBalancesAsync(context.Community, context.Member, cancellationToken).ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteStartArray("balances");
        foreach (var balance in balances)
        {
            writer.WriteStartObject();
            writer.WriteString("currency", balance.Currency);
            writer.WriteNumber("total", balance.Total);
            writer.WriteNumber("available", balance.Available);
            writer.WriteNumber("pending", balance.Pending);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("ledger");
        foreach (var balance in balances)
        {
            writer.WriteStartArray(balance.Currency);
            LedgerPageRequest? page = new(balance.Currency, PageSize: ActivityPageRequest.MaxPageSize);
            while (page is not null)
            {
                var result = await points.GetHistoryAsync(context.Community, context.Member, page, cancellationToken).ConfigureAwait(false);
                foreach (var entry in result.Items)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", entry.Id);
                    writer.WriteNumber("amount", entry.Amount);
                    writer.WriteString("kind", entry.Kind);
                    writer.WriteString("reason", entry.Reason);
                    writer.WriteString("createdAt", entry.CreatedAt);
                    if (entry.ExpiresAt is { } expires)
                    {
                        writer.WriteString("expiresAt", expires);
                    }

                    writer.WriteEndObject();
                }

                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                page = result.Next;
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
