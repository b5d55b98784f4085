using System.Net;

namespace ScimServer.WebConsole;

/// <summary>
/// What a console page answers when it fails: an HTML page in the console's style with the same words the API
/// would use (no internals, the trace id to quote), instead of a SCIM JSON error in a browser tab.
/// </summary>
internal static class ConsoleErrorPage
{
    public static bool Serves(HttpContext context) => context.Request.Path.StartsWithSegments(ConsoleSetup.Prefix);

    public static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        // The exception handler cleared the headers the console middleware set; the page needs them as much as any other.
        ConsoleSetup.SetSecurityHeaders(context.Response.Headers);
        var title = status == 503 ? "The console is busy" : "Something went wrong";
        return context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{{title}} · ScimServer</title><link rel="stylesheet" href="{{ConsoleSetup.Prefix}}/console.css" /></head>
            <body><main><section class="card narrow" role="alert">
            <h1>{{title}}</h1>
            <p id="error-detail">{{WebUtility.HtmlEncode(detail)}}</p>
            <p><a href="{{ConsoleSetup.Prefix}}/accounts">Back to the console</a></p>
            </section></main></body>
            </html>
            """, context.RequestAborted);
    }
}
