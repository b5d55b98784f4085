using Npgsql;

namespace ScimServer.Persistence;

/// <summary>
/// A database failure that says nothing about the request: the server could not reach PostgreSQL in time
/// (connection timeout, pool exhausted, server restarting, a pooler in front with no server connection to lend).
/// The honest answer is 503: retry later.
/// </summary>
public static class TransientDatabaseError
{
    public static bool Is(Exception exception) => exception switch
    {
        // PgBouncer's own refusals come as FATAL 08P01 (query_wait_timeout, no more connections allowed, pooler
        // shutting down): it had no server connection to give, so the transaction's statements never ran.
        PostgresException { SqlState: PostgresErrorCodes.ProtocolViolation, InvariantSeverity: "FATAL" } => true,
        NpgsqlException { IsTransient: true } => true,
        // EF's execution strategy wraps what it considers transient in an InvalidOperationException.
        InvalidOperationException { InnerException: { } inner } => Is(inner),
        _ => false,
    };
}
