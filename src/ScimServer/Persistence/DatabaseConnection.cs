using Microsoft.Extensions.Options;

namespace ScimServer.Persistence;

/// <summary>
/// The connection string in use: "ConnectionStrings:Scim" when configured, else the project-local PostgreSQL,
/// which <see cref="EnsureAsync"/> starts (or reuses) under a git-ignored folder so its data survives restarts.
/// </summary>
public sealed class DatabaseConnection(IConfiguration configuration, IOptions<DatabaseOptions> options, IHostEnvironment environment)
{
    private string? _value;

    public bool IsLocal { get; private set; }

    public string Value => _value ??= configuration.GetConnectionString("Scim") is { } configured ? Tune(configured, options.Value.StatementTimeoutMilliseconds)
        : throw new InvalidOperationException("The database is not ready: DatabaseConnection.EnsureAsync has not run.");

    public async Task<string> EnsureAsync(CancellationToken ct)
    {
        if (_value is not null)
        {
            return _value;
        }
        var configured = configuration.GetConnectionString("Scim");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return _value = Tune(configured, options.Value.StatementTimeoutMilliseconds);
        }
        var local = Local(options.Value, environment.ContentRootPath);
        await local.StartAsync("scim", ct);
        IsLocal = true;
        return _value = Tune(local.ConnectionString("scim"), options.Value.StatementTimeoutMilliseconds);
    }

    /// <summary>
    /// No Reset On Close, unless the operator set it: nothing here leaves session state behind (locks are
    /// transaction-scoped, no SET, no temporary tables on pooled connections), so the DISCARD ALL Npgsql would
    /// otherwise send on each connection's next use is pure cost: it ran once per request. And the statement timeout
    /// as a start-up option, unless the string sets Options itself (behind PgBouncer, which does not pass start-up
    /// options on, set it on the role instead: ALTER ROLE … SET statement_timeout; see docs/configuration.md).
    /// </summary>
    public static string Tune(string connectionString, int statementTimeoutMilliseconds = 0)
    {
        // A plain builder tells which keys the string names (Npgsql's own knows every keyword, set or not).
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var tuned = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var changed = false;
        if (!named.ContainsKey("No Reset On Close") && !named.ContainsKey("NoResetOnClose"))
        {
            (tuned.NoResetOnClose, changed) = (true, true);
        }
        if (statementTimeoutMilliseconds > 0 && !named.ContainsKey("Options"))
        {
            (tuned.Options, changed) = ($"-c statement_timeout={statementTimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", true);
        }
        return changed ? tuned.ConnectionString : connectionString;
    }

    public static LocalPostgres Local(DatabaseOptions options, string contentRoot)
    {
        var directory = options.LocalDataDirectory;
        if (string.IsNullOrWhiteSpace(directory))
        {
            // Next to ScimServer.sln when run from the repository, so `dotnet run` from any folder finds the same data.
            var root = new DirectoryInfo(contentRoot);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "ScimServer.sln")))
            {
                root = root.Parent;
            }
            directory = Path.Combine(root?.FullName ?? contentRoot, ".data", "postgres");
        }
        return new LocalPostgres(directory, options.LocalPort);
    }
}
