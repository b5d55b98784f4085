using Npgsql;

namespace ScimServer.Persistence;

/// <summary>A statement PostgreSQL cancelled at <see cref="DatabaseOptions.StatementTimeoutMilliseconds"/> (SQLSTATE 57014).</summary>
public static class StatementTimeout
{
    public static bool Is(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => true,
        { InnerException: { } inner } => Is(inner),
        _ => false,
    };
}
