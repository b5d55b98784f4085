using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;
using Polly.Retry;
using ScimServer.Hosting;
using ScimServer.Protocol.Errors;

namespace ScimServer.Persistence;

/// <summary>
/// Runs one request's whole write as a single transaction, retried as a whole (never statement by statement)
/// on serialization failures, deadlocks and lost races on the row version. A request that sent If-Match is
/// not retried after a lost race: its precondition no longer holds, so it gets 412.
/// </summary>
public sealed class WriteUnit(ScimDbContext db, Audit.AuditTrail audit, ILogger<WriteUnit> logger)
{
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(20),
            ShouldHandle = new PredicateBuilder()
                .Handle<PostgresException>(e => e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
                .Handle<DbUpdateException>(e => e.InnerException is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
                .Handle<RetryableConflictException>(),
        })
        .Build();

    public async Task<ScimResult> RunAsync(bool hasPrecondition, Func<CancellationToken, Task<ScimResult>> work, CancellationToken ct)
    {
        var outcome = await RunCoreAsync(hasPrecondition, work, result => result.Status < 400 ? result.Status : null, ct);
        return outcome.IsSuccess ? outcome.Value : outcome.Error;
    }

    /// <summary>The same unit of work for operator operations: committed only when <paramref name="work"/> succeeds.</summary>
    /// <param name="status">The status the caller answers a success with (201 for a create), for the audit entry.</param>
    public async Task<Result<T>> RunAsync<T>(Func<CancellationToken, Task<Result<T>>> work, CancellationToken ct, int status = StatusCodes.Status200OK)
    {
        var outcome = await RunCoreAsync(false, work, result => result.IsSuccess ? status : null, ct);
        return outcome.IsSuccess ? outcome.Value : outcome.Error;
    }

    /// <param name="committed">The status of a result that commits, or null for one that rolls back.</param>
    private async Task<Result<T>> RunCoreAsync<T>(bool hasPrecondition, Func<CancellationToken, Task<T>> work, Func<T, int?> committed, CancellationToken ct)
    {
        try
        {
            return Result<T>.Ok(await Retry.ExecuteAsync(async token =>
            {
                db.ChangeTracker.Clear();
                audit.Discard();
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                T result;
                try
                {
                    result = await work(token);
                }
                catch (DbUpdateConcurrencyException) when (!hasPrecondition)
                {
                    throw new RetryableConflictException();
                }
                if (committed(result) is { } status)
                {
                    // The audit entries go in the same transaction: they exist exactly when the change does.
                    await audit.FlushAsync(db, status, token);
                    await transaction.CommitAsync(token);
                }
                else
                {
                    audit.Discard();
                }
                return result;
            }, ct));
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ScimError(412, null, "The resource changed since the version named in If-Match; read it again and retry.");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return Unique(unique);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Unique(e);
        }
        catch (RetryableConflictException)
        {
            return new ScimError(409, null, "The resource was changed by several requests at once and this one kept losing the race; retry it.");
        }
    }

    /// <summary>A refusal, not a fault: logged at Information with the constraint only (its DETAIL would quote the value).</summary>
    private ScimError Unique(PostgresException e)
    {
        logger.LogInformation("Refused with 409: unique constraint {Constraint}", e.ConstraintName);
        return ScimError.Uniqueness(UniqueDetail(e));
    }

    private static string UniqueDetail(PostgresException e) => e.ConstraintName switch
    {
        "ux_users_account_user_name" => "Another user of this account already has this userName (compared case-insensitively).",
        _ => "The value conflicts with an existing resource.",
    };

    private sealed class RetryableConflictException : Exception;
}
