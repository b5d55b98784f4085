using System.Text;
using ScimServer.OperatorApi;

namespace ScimServer.Audit;

/// <summary>Writes audit entries as CSV or JSON lines, one entry at a time (an export never holds the log in memory).</summary>
public static class AuditExport
{
    public static readonly string[] Formats = ["csv", "jsonl"];

    private static readonly string[] Columns =
    [
        "seq", "at", "accountId", "actorType", "actorId", "actorName", "connectionId", "action", "targetType", "targetId",
        "targetName", "outcome", "status", "code", "detail", "changes", "requestId", "traceId", "clientAddress", "erasedAt",
    ];

    public static string MediaType(string format) => format == "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";

    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditEntry> entries, string format, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        return await WriteAsync(entries, format, writer, ct);
    }

    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditEntry> entries, string format, TextWriter writer, CancellationToken ct)
    {
        long count = 0;
        if (format == "csv")
        {
            using var csv = new CsvLines(writer);
            await csv.WriteAsync(Columns);
            await foreach (var entry in entries.WithCancellation(ct))
            {
                var row = AuditQuery.Render(entry);
                await csv.WriteAsync(Columns.Select(column => row[column] switch
                {
                    null => null,
                    System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s) => s,
                    var node => node.ToJsonString(),
                }));
                count++;
            }
        }
        else
        {
            await foreach (var entry in entries.WithCancellation(ct))
            {
                await writer.WriteLineAsync(AuditQuery.Render(entry).ToJsonString());
                count++;
            }
        }
        await writer.FlushAsync(ct);
        return count;
    }
}
