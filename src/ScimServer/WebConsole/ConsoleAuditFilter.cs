using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.Persistence;

namespace ScimServer.WebConsole;

/// <summary>The audit log viewer's filter, shared by its pages and its export, so a download holds exactly what the page lists.</summary>
internal sealed record ConsoleAuditFilter(string? Target, string? Actor, string? Operation, string? Outcome, DateOnly? From, DateOnly? To)
{
    public static readonly (string Value, string Text)[] Actors =
        [("ScimToken", "Any IdP connection"), ("Operator", "An operator"), ("Cli", "The CLI"), ("Anonymous", "Anonymous")];

    /// <summary>The actor value that names one IdP connection (any of its tokens).</summary>
    public static string ConnectionActor(Guid connectionId) => ConnectionPrefix + connectionId;

    private const string ConnectionPrefix = "connection:";

    public static ConsoleAuditFilter Of(IQueryCollection query) => new(
        query["target"], query["actor"], query["operation"], query["outcome"], Date(query["from"]), Date(query["to"]));

    /// <summary>This account's entries that match; every condition is served by an index on (account_id, …).</summary>
    public async Task<IQueryable<AuditEntry>> ApplyAsync(ScimDbContext db, Guid accountId, CancellationToken ct)
    {
        var entries = db.Set<AuditEntry>().AsNoTracking().Where(e => e.AccountId == accountId);
        if (!string.IsNullOrWhiteSpace(Target))
        {
            var targets = await TargetIdsAsync(db, accountId, Target.Trim(), ct);
            entries = entries.Where(e => e.TargetId != null && targets.Contains(e.TargetId));
        }
        if (Actors.Any(a => a.Value == Actor))
        {
            entries = entries.Where(e => e.ActorType == Actor);
        }
        else if (Actor is not null && Actor.StartsWith(ConnectionPrefix, StringComparison.Ordinal) && Guid.TryParse(Actor.AsSpan(ConnectionPrefix.Length), out var connection))
        {
            // ix_audit_log_connection: one connection's entries, newest first, without reading the others'.
            entries = entries.Where(e => e.ConnectionId == connection);
        }
        if (!string.IsNullOrWhiteSpace(Operation))
        {
            var operation = Operation.Trim();
            entries = entries.Where(e => e.Action == operation);
        }
        if (Outcome is "Success" or "Refused" or "Failed")
        {
            entries = entries.Where(e => e.Outcome == Outcome);
        }
        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At >= start);
        }
        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            entries = entries.Where(e => e.At < end);
        }
        return entries;
    }

    /// <summary>The query string of this filter, for links (the export, older pages).</summary>
    public string Query() => string.Join("&", new[] { ("target", Target), ("actor", Actor), ("operation", Operation), ("outcome", Outcome),
            ("from", From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("to", To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) }
        .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    /// <summary>
    /// The operations an entry can be about: every named endpoint of this server (SCIM, the operator API, sign-in),
    /// read from the routing table so the list cannot fall behind the code.
    /// </summary>
    public static IReadOnlyList<string> Operations(EndpointDataSource endpoints) =>
        endpoints.Endpoints.Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).OfType<string>()
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The ids a target box names: itself, and the users and teams of this account with that name.</summary>
    private static async Task<List<string>> TargetIdsAsync(ScimDbContext db, Guid accountId, string target, CancellationToken ct)
    {
        var name = target.ToLowerInvariant();
        var ids = await db.Users.AsNoTracking().Where(u => u.AccountId == accountId && u.UserName.ToLower() == name).Select(u => u.Id.ToString()).ToListAsync(ct);
        ids.AddRange(await db.Groups.AsNoTracking().Where(g => g.AccountId == accountId && g.DisplayName.ToLower() == name).Select(g => g.Id.ToString()).ToListAsync(ct));
        ids.Add(target);
        return ids;
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The export: the filter's entries, oldest first, streamed as CSV or JSON lines.</summary>
    public static async Task ExportAsync(Guid accountId, string? format, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        var chosen = AuditExport.Formats.Contains(format) ? format! : "csv";
        var entries = await Of(context.Request.Query).ApplyAsync(db, accountId, ct);
        context.Response.ContentType = AuditExport.MediaType(chosen);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{accountId}.{chosen}\"";
        await AuditExport.WriteAsync(entries.OrderBy(e => e.Seq).AsAsyncEnumerable(), chosen, context.Response.Body, ct);
    }
}
