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

    public string Value => _value ??= configuration.GetConnectionString("Scim") is { } configured ? Tune(configured)
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
            return _value = Tune(configured);
        }
        var local = Local(options.Value, environment.ContentRootPath);
        await local.StartAsync("scim", ct);
        IsLocal = true;
        return _value = Tune(local.ConnectionString("scim"));
    }

    /// <summary>
    /// No Reset On Close, unless the operator set it: nothing here leaves session state behind (locks are
    /// transaction-scoped, no SET, no temporary tables on pooled connections), so the DISCARD ALL Npgsql would
    /// otherwise send on each connection's next use is pure cost: it ran once per request.
    /// </summary>
    public static string Tune(string connectionString)
    {
        // A plain builder tells which keys the string names (Npgsql's own knows every keyword, set or not).
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (named.ContainsKey("No Reset On Close") || named.ContainsKey("NoResetOnClose"))
        {
            return connectionString;
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
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
