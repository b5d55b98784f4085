using Microsoft.EntityFrameworkCore;
using ScimServer.OperatorApi;
using ScimServer.Persistence;

namespace ScimServer.Audit;

/// <summary>
/// The audit log for operators: <c>/api/accounts/{id}/audit</c> (OData query, export, chain check) for an
/// account, and <c>/api/audit</c> (staff) for requests no account could be told for (unknown tokens and names).
/// </summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAccountAudit(this RouteGroupBuilder account)
    {
        account.MapGet("/audit", (Guid accountId, HttpContext context, ScimDbContext db, CancellationToken ct) => QueryAsync(accountId, context, db, ct))
            .WithName("QueryAudit");
        account.MapGet("/audit/export", (Guid accountId, string? output, HttpContext context, ScimDbContext db, CancellationToken ct) =>
            ExportAsync(accountId, output, context, db, ct)).WithName("ExportAudit");
        account.MapGet("/audit/verify", async (Guid accountId, ScimDbContext db, CancellationToken ct) =>
            Results.Ok(await AuditChain.VerifyAsync(db, accountId, ct))).WithName("VerifyAudit");
        return account;
    }

    public static RouteGroupBuilder MapServerAudit(this RouteGroupBuilder api)
    {
        var server = api.MapGroup("/audit").AddEndpointFilter(async (context, next) =>
            context.HttpContext.User.IsStaff() ? await next(context) : ApiProblem.Result(403, "staffOnly", "Only provider staff read the server-wide audit chain."));
        server.MapGet("/", (HttpContext context, ScimDbContext db, CancellationToken ct) => QueryAsync(Guid.Empty, context, db, ct)).WithName("QueryServerAudit");
        server.MapGet("/export", (string? output, HttpContext context, ScimDbContext db, CancellationToken ct) =>
            ExportAsync(Guid.Empty, output, context, db, ct)).WithName("ExportServerAudit");
        server.MapGet("/verify", async (ScimDbContext db, CancellationToken ct) =>
            Results.Ok(await AuditChain.VerifyAsync(db, Guid.Empty, ct))).WithName("VerifyServerAudit");
        return api;
    }

    private static async Task<IResult> QueryAsync(Guid accountId, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        var options = AuditQuery.Parse(context.Request);
        if (!options.IsSuccess)
        {
            return ApiProblem.From(options.Error);
        }
        var chain = db.Set<AuditEntry>().AsNoTracking().Where(e => e.AccountId == accountId);
        try
        {
            return Results.Json(await AuditQuery.PageAsync(chain, options.Value, context.Request, ct));
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or InvalidOperationException
                                   or Npgsql.PostgresException { SqlState: "42883" or "42804" or "22007" or "22008" })
        {
            // e.g. a date literal with a non-UTC offset, which PostgreSQL's timestamptz parameters refuse.
            return ApiProblem.Result(400, "invalidFilter", "The audit query cannot run: " + e.Message + " (write times in UTC, e.g. 2026-11-01T00:00:00Z).");
        }
    }

    private static async Task<IResult> ExportAsync(Guid accountId, string? format, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        format ??= "jsonl";
        if (!AuditExport.Formats.Contains(format))
        {
            // Not "format": OData reads query options without a $ too, and $format is not one we take.
            return ApiProblem.Result(400, "invalid", "output must be csv or jsonl.");
        }
        var options = AuditQuery.Parse(context.Request);
        if (!options.IsSuccess)
        {
            return ApiProblem.From(options.Error);
        }
        var entries = AuditQuery.Filtered(db.Set<AuditEntry>().AsNoTracking().Where(e => e.AccountId == accountId), options.Value, newestFirst: false);
        context.Response.ContentType = AuditExport.MediaType(format);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{accountId}.{format}\"";
        await AuditExport.WriteAsync(entries.AsAsyncEnumerable(), format, context.Response.Body, ct);
        return Results.Empty;
    }
}
