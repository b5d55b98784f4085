using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.Audit;

/// <summary>
/// Gives each SCIM, operator API and sign-in request its <see cref="AuditTrail"/>, and records every request
/// that ends in an error status (refusals by the account rules, bad input, authentication failures, another
/// account's ids) once the status is known. Successful changes are recorded by the unit of work itself.
/// </summary>
public static class AuditMiddleware
{
    public const string TenantMismatch = "tenantMismatch";

    public static void UseAuditTrail(this WebApplication app) => app.Use(InvokeAsync);

    /// <summary>Called by whatever writes an error response (SCIM errors, problem details).</summary>
    public static void NoteRefusal(HttpContext context, string? code, string detail)
    {
        if (context.RequestServices.GetService<AuditTrail>() is { } trail)
        {
            trail.Refusal = (trail.Refusal?.Code ?? code, detail);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The response is already sent; whatever the audit write meets must not cut it off.")]
    private static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Audited(context.Request.Path))
        {
            await next(context);
            return;
        }
        var trail = context.RequestServices.GetRequiredService<AuditTrail>();
        trail.Begin(context);
        await next(context);
        var status = context.Response.StatusCode;
        if (status < 400 || trail.Written)
        {
            return;
        }
        if (RefusalWindows.Partition(context, status, trail) is { } partition)
        {
            if (!context.RequestServices.GetRequiredService<RefusalWindows>().First(partition))
            {
                return;
            }
            var (code, detail) = trail.Refusal ?? (null, "Refused.");
            trail.Refusal = (code ?? (status == 429 ? "rateLimited" : null),
                detail + " (Entries like this one are written once a minute per caller; the ones after it in the same minute are not.)");
        }
        var db = context.RequestServices.GetRequiredService<ScimDbContext>();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditMiddleware));
        try
        {
            var code = status == 404 && await IsAnotherAccountsResourceAsync(context, db) ? TenantMismatch : null;
            await trail.RecordRefusalAsync(db, status, code, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The response is already on its way: nothing the audit write meets (a database that is down, text
            // it cannot encode) may cut it off. The failure is logged without the request's values.
            logger.LogWarning("Could not write the audit entry of a {Status} answer (request {RequestId}): {Message}",
                status, context.TraceIdentifier, e.GetBaseException().GetType().Name);
        }
    }

    private static bool Audited(PathString path) =>
        path.StartsWithSegments(Scim.ScimUrls.Prefix) || path.StartsWithSegments("/api") || path.StartsWithSegments("/authenticate")
        || path.StartsWithSegments(WebConsole.ConsoleSetup.Prefix);

    /// <summary>A SCIM token asked for an id that exists, but in another account: worth an operator's attention.</summary>
    private static async Task<bool> IsAnotherAccountsResourceAsync(HttpContext context, ScimDbContext db)
    {
        if (context.GetRouteValue("id") is not string text || !Guid.TryParse(text, out var id)
            || !Guid.TryParse(context.User.FindFirst(ScimTokenDefaults.AccountClaim)?.Value, out var account))
        {
            return false;
        }
        return await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM users WHERE id = {id} AND account_id <> {account})
                OR EXISTS (SELECT 1 FROM groups WHERE id = {id} AND account_id <> {account}) AS "Value"
            """).SingleAsync();
    }
}
