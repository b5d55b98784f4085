using Microsoft.AspNetCore.Components;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Protocol.Errors;

namespace ScimServer.WebConsole;

/// <summary>
/// A console action is the API's action: the same function does it, it is audited under the API endpoint's name,
/// and a refusal is answered with the API's status and code, so the audit log cannot tell which way it came.
/// </summary>
internal static class ConsoleAction
{
    /// <summary>Names the audit entries of this request as the API's endpoint of the same action names them.</summary>
    public static void Named(HttpContext http, string endpointName) =>
        http.RequestServices.GetRequiredService<AuditTrail>().Action = endpointName;

    /// <summary>
    /// Runs one of the API's actions as its endpoint. When it succeeds, the request ends in a redirect to
    /// <paramref name="to"/> (the page itself by default) that shows the notice (<see cref="ConsoleNotice"/>);
    /// when it is refused, the refusal's detail is returned for the page to show. A refusal changed nothing, so the
    /// page shows what it read before the form's handler ran (forms are handled after the page's initialisation).
    /// </summary>
    public static Task<string?> RunAsync<T>(HttpContext http, NavigationManager navigation, string endpointName, Func<Task<Result<T>>> action, string notice, string? to = null) =>
        RunAsync(http, navigation, endpointName, action, _ => notice, to);

    /// <inheritdoc cref="RunAsync{T}(HttpContext, NavigationManager, string, Func{Task{Result{T}}}, string, string?)"/>
    public static async Task<string?> RunAsync<T>(HttpContext http, NavigationManager navigation, string endpointName, Func<Task<Result<T>>> action, Func<T, string> notice, string? to = null)
    {
        Named(http, endpointName);
        var result = await action();
        if (!result.IsSuccess)
        {
            return Refused(http, result.Error);
        }
        ConsoleNotice.Redirect(http, navigation, notice(result.Value), to);
        return null;
    }

    /// <summary>The refusal's detail to show, after giving the response the API's status and noting its code for the audit entry.</summary>
    public static string Refused(HttpContext http, ScimError error)
    {
        http.Response.StatusCode = error.Status;
        AuditMiddleware.NoteRefusal(http, ApiProblem.CodeOf(error), error.Detail);
        return error.Detail;
    }
}
