using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Scim;

/// <summary>
/// The one handler for the unexpected: a 503 when the database could not be reached, else a SCIM 500 with no internals, the trace id logged and returned so an
/// operator can find the log line. Bad requests the framework itself rejects keep their 4xx status.
/// </summary>
internal sealed class ScimExceptionHandler(ILogger<ScimExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        ScimError error;
        if (exception is BadHttpRequestException bad)
        {
            error = new ScimError(bad.StatusCode, bad.StatusCode == 400 ? ScimType.InvalidSyntax : null, "The request could not be read: " + bad.Message);
        }
        else if (StatementTimeout.Is(exception))
        {
            // Cancelled by statement_timeout: nothing was committed, and the connection went back to the pool.
            logger.LogWarning("Statement timeout on {Method} {Route} (trace {TraceId})", httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName, traceId);
            error = IsSearch(httpContext)
                ? ScimError.InvalidFilter("The filter took too long to answer: it names attributes no index serves over this many resources. " +
                                          "Filter on userName, externalId, emails.value, displayName, id, meta.created or meta.lastModified (Users), " +
                                          "or displayName, externalId, id or meta.lastModified (Groups), or narrow it with one of them (and).")
                : Unavailable(httpContext, $"The request took too long and was cancelled; nothing was changed. Retry in a few seconds (trace id {traceId}).");
        }
        else if (TransientDatabaseError.Is(exception))
        {
            // Nothing was committed (the transaction never finished); IdPs retry a 503 that names a delay.
            logger.LogWarning("Database unavailable on {Method} {Route} (trace {TraceId}): {Message}",
                httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName, traceId, exception.GetBaseException().Message);
            error = Unavailable(httpContext, $"The database is busy or unreachable; nothing was changed. Retry in a few seconds (trace id {traceId}).");
        }
        else
        {
            // The exception is logged without request data: bodies may hold personal data.
            logger.LogError(exception, "Unhandled error on {Method} {Route} (trace {TraceId})",
                httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName, traceId);
            error = new ScimError(500, null, $"The server failed to handle the request; nothing was changed. Quote trace id {traceId} to the operator.");
        }
        if (WebConsole.ConsoleErrorPage.Serves(httpContext))
        {
            await WebConsole.ConsoleErrorPage.WriteAsync(httpContext, error.Status, error.Detail);
            return true;
        }
        var operatorApi = httpContext.Request.Path.StartsWithSegments("/api") || httpContext.Request.Path.StartsWithSegments("/authenticate");
        if (operatorApi && exception is BadHttpRequestException unreadable)
        {
            // A body the framework could not bind: say which field and what it accepts.
            var (code, detail) = OperatorApi.RequestBodyError.Describe(unreadable, httpContext);
            await OperatorApi.ApiProblem.Write(httpContext, unreadable.StatusCode, unreadable.StatusCode == 400 ? code : "invalid", detail);
            return true;
        }
        if (operatorApi)
        {
            // The operator API answers in its own format, problem details.
            await OperatorApi.ApiProblem.Write(httpContext, error.Status, error.Status == 503 ? "unavailable" : "error", error.Detail);
            return true;
        }
        await ScimResult.Error(error).ExecuteAsync(httpContext);
        return true;
    }

    private static ScimError Unavailable(HttpContext context, string detail)
    {
        // IdPs retry a 503 that names a delay.
        context.Response.Headers.RetryAfter = "5";
        return new ScimError(503, null, detail);
    }

    /// <summary>A list or search: what a slow statement there is about is the filter.</summary>
    private static bool IsSearch(HttpContext context) =>
        // The exception handler clears the endpoint before it runs; the feature keeps the one that threw.
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name &&
        (name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Search", StringComparison.Ordinal));
}
