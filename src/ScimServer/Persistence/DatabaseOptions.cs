namespace ScimServer.Persistence;

/// <summary>How the server finds its PostgreSQL, bound to the "Database" section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the server starts (always done for the project-local database).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>Data folder of the project-local PostgreSQL used when no connection string is configured.</summary>
    public string? LocalDataDirectory { get; set; }

    public int LocalPort { get; set; } = 55432;

    /// <summary>
    /// PostgreSQL's statement_timeout for every statement of the server (0: none). A filter no index serves over a
    /// large account, or a deep page, is cancelled at this point instead of holding a connection and a CPU.
    /// </summary>
    public int StatementTimeoutMilliseconds { get; set; } = 15_000;
}
