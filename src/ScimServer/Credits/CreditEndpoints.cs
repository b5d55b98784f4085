using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Credits;

/// <summary>
/// Credits over the operator API. <c>consume</c> is what the product calls before each export, so the user's
/// limit, the team limit and the pool are enforced where credits are spent.
/// </summary>
public static class CreditEndpoints
{
    public sealed record ConsumeBody(long Amount);

    public sealed record LimitBody(long? Limit);

    public sealed record RenewBody(long? Credits);

    public static RouteGroupBuilder MapCredits(this RouteGroupBuilder account)
    {
        account.MapGet("/credits", GetPool).WithName("GetCreditPool");
        account.MapPost("/credits/renew", Renew).WithName("RenewCredits");
        account.MapGet("/users/{userId:guid}/credits", GetBalance).WithName("GetUserCredits");
        account.MapPost("/users/{userId:guid}/credits/consume", Consume).WithName("ConsumeCredits");
        account.MapPost("/users/{userId:guid}/credits/reset", Reset).WithName("ResetCredits");
        account.MapPut("/users/{userId:guid}/credits/limit", SetLimit).WithName("SetCreditLimit");
        return account;
    }

    internal static async Task<IResult> GetPool(Guid accountId, ScimDbContext db, CancellationToken ct) =>
        Results.Ok(View(await new CreditBook(db).PoolAsync(accountId, ct)));

    internal static async Task<IResult> GetBalance(Guid accountId, Guid userId, ScimDbContext db, CancellationToken ct) =>
        await new CreditBook(db).BalanceAsync(accountId, userId, DateTimeOffset.UtcNow, ct) is { } balance
            ? Results.Ok(balance)
            : ApiProblem.NotFound($"User '{userId}'");

    internal static async Task<IResult> Consume(Guid accountId, Guid userId, ConsumeBody body, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token => Audited(audit, userId,
            await new CreditBook(db).ConsumeAsync(accountId, userId, body.Amount, DateTimeOffset.UtcNow, token), ("consumed", null, body.Amount)), ct));

    internal static async Task<IResult> Reset(Guid accountId, Guid userId, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token => Audited(audit, userId,
            await new CreditBook(db).ResetAsync(accountId, userId, DateTimeOffset.UtcNow, token), ("reset", null, true)), ct));

    /// <summary>Records a credit movement of a user with its outcome (usage and limit after it).</summary>
    private static Result<CreditBalance> Audited(AuditTrail audit, Guid userId, Result<CreditBalance> result, (string, object?, object?) movement)
    {
        audit.About("User", userId, null);
        if (result.IsSuccess)
        {
            audit.Record(AuditDiff.Of(movement, ("used", null, result.Value.Used), ("limit", null, result.Value.Limit)));
        }
        return result;
    }

    internal static async Task<IResult> Renew(Guid accountId, RenewBody? body, HttpContext context, WriteUnit unit, ScimDbContext db, CancellationToken ct)
    {
        if (!context.User.IsStaff())
        {
            return ApiProblem.Result(403, "staffOnly", "Only the provider's account team can start a new contract year.");
        }
        if (body?.Credits < 0)
        {
            return ApiProblem.Result(400, "invalid", "credits cannot be negative.");
        }
        var pool = await unit.RunAsync(token => new CreditBook(db).RenewAsync(accountId, body?.Credits, DateTimeOffset.UtcNow, token), ct);
        return pool.IsSuccess ? Results.Ok(View(pool.Value!)) : ApiProblem.From(pool.Error);
    }

    internal static async Task<IResult> SetLimit(Guid accountId, Guid userId, LimitBody body, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await SetLimitAsync(accountId, userId, body.Limit, unit, db, audit, ct));

    /// <summary>Sets (null: clears) the user's own credit limit, set aside from the pool; refused past what the pool has left.</summary>
    public static async Task<Result<CreditBalance>> SetLimitAsync(Guid accountId, Guid userId, long? limit, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        limit < 0
            ? ScimError.InvalidValue("limit cannot be negative; send null to clear it.")
            : await unit.RunAsync(async token => Audited(audit, userId,
                await new CreditBook(db).SetLimitAsync(accountId, userId, limit, DateTimeOffset.UtcNow, token), ("limitSet", null, limit)), ct);

    private static object View(PoolState pool) => new { total = pool.Total, used = pool.Used, reserved = pool.Reserved, available = pool.Available };
}
