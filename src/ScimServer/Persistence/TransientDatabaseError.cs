using Npgsql;

namespace ScimServer.Persistence;

/// <summary>
/// A database failure that says nothing about the request: the server could not reach PostgreSQL in time
/// (connection timeout, pool exhausted, server restarting). The honest answer is 503: retry later.
/// </summary>
public static class TransientDatabaseError
{
    public static bool Is(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        // EF's execution strategy wraps what it considers transient in an InvalidOperationException.
        InvalidOperationException { InnerException: { } inner } => Is(inner),
        _ => false,
    };
}
