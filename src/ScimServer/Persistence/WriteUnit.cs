using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;
using Polly.Retry;
using ScimServer.Protocol.Errors;

namespace ScimServer.Persistence;

/// <summary>
/// Runs one request's whole write as a single transaction, retried as a whole (never statement by statement)
/// on serialization failures, deadlocks and lost races on the row version. A request that sent If-Match is
/// not retried after a lost race: its precondition no longer holds. The work commits when it succeeds and rolls
/// back when it refuses; the audit entries it recorded go in the same transaction.
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

    /// <param name="hasPrecondition">The request named the version it expects: a lost race is not retried.</param>
    /// <param name="status">The status the caller answers a success with, for the audit entry.</param>
    public async Task<WriteOutcome<T>> RunAsync<T>(
        bool hasPrecondition, Func<CancellationToken, Task<Result<T>>> work, Func<T, int> status, CancellationToken ct)
    {
        try
        {
            var result = await Retry.ExecuteAsync(async token =>
            {
                db.ChangeTracker.Clear();
                audit.Discard();
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                Result<T> attempt;
                try
                {
                    attempt = await work(token);
                }
                catch (DbUpdateConcurrencyException) when (!hasPrecondition)
                {
                    throw new RetryableConflictException();
                }
                if (attempt.IsSuccess)
                {
                    // The audit entries go in the same transaction: they exist exactly when the change does.
                    await audit.FlushAsync(db, status(attempt.Value), token);
                    await transaction.CommitAsync(token);
                }
                else
                {
                    audit.Discard();
                }
                return attempt;
            }, ct);
            return result.IsSuccess ? WriteOutcome<T>.Committed(result.Value) : WriteOutcome<T>.Refused(result.Error);
        }
        catch (DbUpdateConcurrencyException)
        {
            return WriteOutcome<T>.Failed(WriteConflict.PreconditionFailed);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return Unique<T>(unique);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Unique<T>(e);
        }
        catch (RetryableConflictException)
        {
            return WriteOutcome<T>.Failed(WriteConflict.LostRace);
        }
    }

    /// <summary>A refusal, not a fault: logged at Information with the constraint only (its DETAIL would quote the value).</summary>
    private WriteOutcome<T> Unique<T>(PostgresException e)
    {
        logger.LogInformation("Refused with 409: unique constraint {Constraint}", e.ConstraintName);
        return WriteOutcome<T>.Failed(WriteConflict.Unique, e.ConstraintName);
    }

    private sealed class RetryableConflictException : Exception;
}
