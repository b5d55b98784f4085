using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Persistence;
using ScimServer.Tokens;

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
          account create <name> [--tier Enterprise] [--domains a.com,b.com] [--products professional:10,elite:2]
                         [--sso Okta:Active] [--viewer-access] [--credits 10000] [--contract 2026-01-01:2026-12-31]
                                                create an account; prints its id (the first product is the default)
          account sso <account id|name> [--idp Okta|EntraId|OneLogin|Other] [--status NotConfigured|Configured|Active]
                      [--require-sso on|off]    change SSO; Require SSO is refused while an Admin could be locked out
          account policy <account id|name> [--restrict-domains on|off] [--require-names on|off] [--require-email on|off]
                                                who the IdPs may provision: only emails in verified domains, only
                                                users with a first and last name from the IdP, only users with an
                                                email of their own (all off by default)
          account renew <account id|name> [--credits N]
                                                start a new contract year: usage back to zero, optionally a new pool
          operator create <user name> [--account <account id|name>]
                                                an operator (staff, or an Admin of the account); password from
                                                SCIM_OPERATOR_PASSWORD, else generated and printed
          token create <account id|name> [--name <label>] [--expires-days <n>]
                                                mint a SCIM token; prints only the token
          token revoke <token id>               revoke a token at once, on every server process
          seats verify [--account <account id|name>] [--repair]
                                                recount every product's seats and compare with the counters
                                                (exit 3 on drift unless --repair set them right)
          audit verify [--account <id|name|server>] [--file <archive.jsonl>]
                                                check the hash chains (exit 3 when one is broken)
          audit export --account <id|name|server> [--format jsonl|csv] [--from yyyy-MM-dd] [--to yyyy-MM-dd]
                                                write the audit log to stdout
          audit archive --out <dir> [--before yyyy-MM-dd] [--account <id|name|server>]
                                                move old entries to files (default: older than Audit:RetentionDays)
          db stop                               stop the project-local PostgreSQL
        """;

    private static readonly HashSet<string> Commands = ["migrate", "account", "token", "operator", "audit", "seats", "db", "help", "--help"];

    public static bool Handles(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        // Only "--Section:Key=value" arguments are configuration; the others are this command's options.
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings });
        // Commands do bulk work (migrations, seat recounts, archives): the server's statement timeout is not for them.
        builder.Configuration.AddInMemoryCollection([new("Database:StatementTimeoutMilliseconds", "0")]);
        builder.Configuration.AddCommandLine(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPersistence(builder.Configuration);
        using var host = builder.Build();
        var ct = CancellationToken.None;
        try
        {
            switch (args)
            {
                case ["db", "stop", ..]:
                    var options = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
                    await DatabaseConnection.Local(options, builder.Environment.ContentRootPath).StopAsync(ct);
                    return 0;
                case ["migrate", ..]:
                    await WithDatabase(host, ct, db => Migrator.MigrateAsync(db, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("migrate"), ct));
                    Console.Error.WriteLine("Migrations applied.");
                    return 0;
                case ["account", "create", var name, ..]:
                    var spec = ParseSpec(name, args);
                    if (spec is null)
                    {
                        Console.Error.WriteLine(Usage);
                        return 2;
                    }
                    await WithDatabase(host, ct, async db =>
                    {
                        await using var transaction = await db.Database.BeginTransactionAsync(ct);
                        var account = await AccountSetup.CreateAsync(db, spec, ct);
                        await AuditCommands.RecordAsync(db, account.Id, "cli.account.create", "Account", account.Id, null,
                            AuditDiff.Of(("name", null, spec.Name), ("tier", null, spec.Tier), ("domains", null, spec.Domains),
                                ("products", null, spec.Products.Select(p => $"{p.Code}:{p.Seats}").ToArray()), ("creditPool", null, spec.CreditPool)), ct);
                        await transaction.CommitAsync(ct);
                        Console.WriteLine(account.Id);
                    });
                    return 0;
                case ["account", "sso", var accountRef, ..]:
                    return await WithDatabase(host, ct, db => AccountCommands.SsoAsync(db, accountRef, args, ct));
                case ["seats", "verify", ..]:
                    return await WithDatabase(host, ct, db => AccountCommands.VerifySeatsAsync(db, args, ct));
                case ["account", "policy", var accountRef, ..]:
                    return await WithDatabase(host, ct, db => AccountCommands.PolicyAsync(db, accountRef, args, ct));
                case ["account", "renew", var accountRef, ..]:
                    return await WithDatabase(host, ct, db => AccountCommands.RenewAsync(db, accountRef, args, ct));
                case ["operator", "create", var userName, ..]:
                    return await WithDatabase(host, ct, db => AccountCommands.CreateOperatorAsync(db, host.Services.GetRequiredService<Operators.PasswordHasher>(), userName, args, ct));
                case ["token", "create", var accountRef, ..]:
                    return await WithDatabase(host, ct, async db =>
                    {
                        if (await AccountCommands.FindAccountAsync(db, accountRef, ct) is not { } account)
                        {
                            return 2;
                        }
                        var label = Option(args, "--name") ?? "cli";
                        var days = Option(args, "--expires-days");
                        DateTimeOffset? expires = days is null ? null : DateTimeOffset.UtcNow.AddDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture));
                        await using var transaction = await db.Database.BeginTransactionAsync(ct);
                        var token = await TokenIssuer.MintAsync(db, account.Id, label, expires, ct);
                        if (!token.IsSuccess)
                        {
                            Console.Error.WriteLine(token.Error.Detail);
                            return 2;
                        }
                        var minted = token.Value.Token;
                        await AuditCommands.RecordAsync(db, account.Id, "cli.token.create", "ScimToken", minted.Id, minted.Name,
                            AuditDiff.Of(("prefix", null, minted.Prefix), ("expiresAt", null, minted.ExpiresAt)), ct);
                        await transaction.CommitAsync(ct);
                        Console.WriteLine(token.Value.Secret);
                        return 0;
                    });
                case ["token", "revoke", var tokenId]:
                    return await WithDatabase(host, ct, async db =>
                    {
                        await using var transaction = await db.Database.BeginTransactionAsync(ct);
                        var trail = new AuditTrail(AuditActor.Cli()) { Action = "cli.token.revoke" };
                        var token = Guid.TryParse(tokenId, out var id) ? await TokenRevocation.RevokeAsync(db, trail, id, null, ct) : null;
                        if (token is null)
                        {
                            Console.Error.WriteLine($"No live token with id '{tokenId}'.");
                            return 2;
                        }
                        await trail.FlushAsync(db, 0, ct);
                        await transaction.CommitAsync(ct);
                        Console.Error.WriteLine("Token revoked.");
                        return 0;
                    });
                case ["audit", "verify", ..]:
                    return await WithDatabase(host, ct, db => AuditCommands.VerifyAsync(db, args, ct));
                case ["audit", "export", ..]:
                    return await WithDatabase(host, ct, db => AuditCommands.ExportAsync(db, args, ct));
                case ["audit", "archive", ..]:
                    var retention = builder.Configuration.GetValue("Audit:RetentionDays", 0);
                    return await WithDatabase(host, ct, db => AuditCommands.ArchiveAsync(db, args, retention, ct));
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

    private static AccountSpec? ParseSpec(string name, string[] args)
    {
        var tier = AccountTier.Professional;
        if (Option(args, "--tier") is { } tierText && !Enum.TryParse(tierText, ignoreCase: true, out tier))
        {
            return null;
        }
        var products = new List<(string, int)>();
        foreach (var item in (Option(args, "--products") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var seats) || seats < 0)
            {
                return null;
            }
            products.Add((parts[0], seats));
        }
        IdentityProviderKind? idp = null;
        var status = SsoStatus.NotConfigured;
        if (Option(args, "--sso") is { } sso)
        {
            var parts = sso.Split(':');
            if (!Enum.TryParse<IdentityProviderKind>(parts[0], ignoreCase: true, out var kind) ||
                (parts.Length > 1 && !Enum.TryParse(parts[1], ignoreCase: true, out status)))
            {
                return null;
            }
            idp = kind;
            status = parts.Length > 1 ? status : SsoStatus.Configured;
        }
        var credits = long.TryParse(Option(args, "--credits"), System.Globalization.CultureInfo.InvariantCulture, out var pool) ? pool : 0;
        var domains = (Option(args, "--domains") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        DateOnly? start = null, end = null;
        if (Option(args, "--contract") is { } contract)
        {
            var parts = contract.Split(':');
            if (parts.Length != 2 || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", out var s) || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", out var e) || e <= s)
            {
                return null;
            }
            (start, end) = (s, e);
        }
        return new AccountSpec(name, tier, domains, products, args.Contains("--viewer-access"), idp, status, credits, start, end);
    }

    private static string? Option(string[] args, string name) => AccountCommands.Option(args, name);
}
