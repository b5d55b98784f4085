using Microsoft.AspNetCore.Mvc;
using ScimServer.Protocol.Errors;

namespace ScimServer.OperatorApi;

/// <summary>Operator API errors as RFC 9457 problem details, with a stable <c>code</c> for scripts.</summary>
public static class ApiProblem
{
    /// <summary>200 with the value, or the error as problem details.</summary>
    public static IResult Answer<T>(Result<T> result) => result.IsSuccess ? Results.Ok(result.Value) : From(result.Error);

    public static IResult From(ScimError error) => Result(error.Status, CodeOf(error), error.Detail);

    /// <summary>The problem <c>code</c> an error is answered (and audited) with.</summary>
    public static string CodeOf(ScimError error) => error.ScimType ?? Code(error.Status);

    public static IResult Result(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = Title(status),
            Detail = detail,
            Type = $"https://scimserver.dev/problems/{code}",
            Extensions = { ["code"] = code },
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }
        return new Noted(code, detail, Results.Problem(problem));
    }

    public static Task Write(HttpContext context, int status, string code, string detail) =>
        Result(status, code, detail).ExecuteAsync(context);

    public static IResult NotFound(string what) => Result(404, "notFound", $"{what} does not exist, or this operator may not see it.");

    private static string Code(int status) => status switch
    {
        400 => "invalid",
        403 => "forbidden",
        404 => "notFound",
        409 => "conflict",
        _ => "error",
    };

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Not signed in",
        403 => "Refused by the account rules",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        422 => "Not processed",
        429 => "Too many attempts",
        _ => "Error",
    };

    /// <summary>Tells the audit log why the request was refused, then writes the problem.</summary>
    private sealed class Noted(string code, string detail, IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            Audit.AuditMiddleware.NoteRefusal(httpContext, code, detail);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
