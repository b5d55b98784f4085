using System.Globalization;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;

namespace ScimServer.Operators;

/// <summary>
/// <c>POST /authenticate</c> {"username", "password"} → {"jwt", "expiresAt"}: an <see cref="OperatorSignIn"/>
/// attempt, answered with a JWT or a problem.
/// </summary>
public static class SignInEndpoint
{
    public sealed record Credentials(string? Username, string? Password);

    public static void MapSignIn(this WebApplication app) =>
        app.MapPost("/authenticate", Authenticate).WithTags("Operator API").WithName("Authenticate").AllowAnonymous();

    internal static async Task<IResult> Authenticate(
        Credentials? body, HttpContext context, ScimDbContext db, OperatorSigningKey key, AuditTrail audit, PasswordHasher hasher, Hosting.SignInLimiter limiter, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body?.Username) || string.IsNullOrEmpty(body.Password))
        {
            return ApiProblem.Result(400, "invalid", "Send {\"username\": \"…\", \"password\": \"…\"}.");
        }
        var outcome = await OperatorSignIn.AttemptAsync(body.Username, body.Password, context, db, audit, hasher, limiter, ct);
        if (outcome.Operator is { } op)
        {
            var (jwt, expiresAt) = OperatorAuth.Issue(op, key.Key);
            return Results.Ok(new { jwt, expiresAt, tokenType = "Bearer" });
        }
        if (outcome.Code == "rateLimited")
        {
            await Hosting.RateLimits.RejectAsync(context, outcome.RetryAfterSeconds ?? 1);
            return Results.Empty;
        }
        if (outcome.RetryAfterSeconds is { } wait)
        {
            context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        }
        return ApiProblem.Result(outcome.Status, outcome.Code!, outcome.Detail!);
    }
}
