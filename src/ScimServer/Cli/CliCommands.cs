using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Accounts;
using ScimServer.Hosting;
using ScimServer.Persistence;

namespace ScimServer.Cli;

/// <summary>
/// Operator subcommands of the server program. Results go to stdout alone (a token is printed by itself, for
/// scripts); logs and messages go to stderr.
/// </summary>
public static class CliCommands
{
    private const string Usage = """
        Usage: ScimServer [command]
          (no command)                          run the server
          migrate                               apply database migrations and exit
          account create <name>                 create an account; prints its id
          token create <account id|name> [--name <label>] [--expires-days <n>]
                                                mint a SCIM token; prints only the token
          token revoke <token id>               revoke a token at once, on every server process
          db stop                               stop the project-local PostgreSQL
        """;

    private static readonly HashSet<string> Commands = ["migrate", "account", "token", "db", "help", "--help"];

    public static bool Handles(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal) || a is "--name" or "--expires-days").ToArray());
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ScimApplication.AddPersistence(builder.Services, builder.Configuration);
        using var host = builder.Build();
        var ct = CancellationToken.None;
        try
        {
            switch (args)
            {
                case ["db", "stop"]:
                    var options = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
                    await DatabaseConnection.Local(options, builder.Environment.ContentRootPath).StopAsync(ct);
                    return 0;
                case ["migrate", ..]:
                    await WithDatabase(host, ct, db => Migrator.MigrateAsync(db, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("migrate"), ct));
                    Console.Error.WriteLine("Migrations applied.");
                    return 0;
                case ["account", "create", var name, ..]:
                    await WithDatabase(host, ct, async db =>
                    {
                        var account = new Account { Id = Guid.CreateVersion7(), Name = name, Created = DateTimeOffset.UtcNow };
                        db.Accounts.Add(account);
                        await db.SaveChangesAsync(ct);
                        Console.WriteLine(account.Id);
                    });
                    return 0;
                case ["token", "create", var accountRef, ..]:
                    return await WithDatabase(host, ct, async db =>
                    {
                        var account = Guid.TryParse(accountRef, out var id)
                            ? await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct)
                            : await db.Accounts.FirstOrDefaultAsync(a => a.Name == accountRef, ct);
                        if (account is null)
                        {
                            Console.Error.WriteLine($"No account with id or name '{accountRef}'.");
                            return 2;
                        }
                        var label = Option(args, "--name") ?? "cli";
                        var days = Option(args, "--expires-days");
                        DateTimeOffset? expires = days is null ? null : DateTimeOffset.UtcNow.AddDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture));
                        Console.WriteLine(await TokenIssuer.MintAsync(db, account.Id, label, expires, ct));
                        return 0;
                    });
                case ["token", "revoke", var tokenId]:
                    return await WithDatabase(host, ct, async db =>
                    {
                        var revoked = Guid.TryParse(tokenId, out var id)
                            ? await db.ScimTokens.Where(t => t.Id == id && t.RevokedAt == null)
                                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow), ct)
                            : 0;
                        Console.Error.WriteLine(revoked == 1 ? "Token revoked." : $"No live token with id '{tokenId}'.");
                        return revoked == 1 ? 0 : 2;
                    });
                default:
                    Console.Error.WriteLine(Usage);
                    return args is ["help"] or ["--help"] ? 0 : 2;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or LocalPostgresException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine("Error: " + e.Message);
            return 1;
        }
    }

    private static async Task WithDatabase(IHost host, CancellationToken ct, Func<ScimDbContext, Task> work) =>
        await WithDatabase(host, ct, async db =>
        {
            await work(db);
            return 0;
        });

    private static async Task<int> WithDatabase(IHost host, CancellationToken ct, Func<ScimDbContext, Task<int>> work)
    {
        var connection = host.Services.GetRequiredService<DatabaseConnection>();
        await connection.EnsureAsync(ct);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        if (connection.IsLocal)
        {
            await Migrator.MigrateAsync(db, scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("migrate"), ct);
        }
        return await work(db);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
