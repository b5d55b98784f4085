using Microsoft.EntityFrameworkCore;

namespace ScimServer.Persistence;

/// <summary>
/// One open database connection for a whole SCIM request: the token lookup, the reads and the write's transaction
/// run on it, instead of taking a pooled connection (and sending its reset) once per query.
/// </summary>
public static class RequestConnection
{
    public static void UseRequestConnection(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(Scim.ScimUrls.Prefix))
        {
            await next(context);
            return;
        }
        var db = context.RequestServices.GetRequiredService<ScimDbContext>();
        await db.Database.OpenConnectionAsync(context.RequestAborted);
        try
        {
            await next(context);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });
}
