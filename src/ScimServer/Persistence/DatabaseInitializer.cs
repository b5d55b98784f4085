using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Accounts;
using ScimServer.Tokens;

namespace ScimServer.Persistence;

/// <summary>
/// Runs before the server accepts requests: finds or starts the database, applies migrations when asked
/// (always for the project-local database), and in the demo mode of the run command prepares the demo account.
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceProvider services,
    DatabaseConnection connection,
    IOptions<DatabaseOptions> options,
    IConfiguration configuration,
    DemoBanner banner,
    Operators.PasswordHasher hasher,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public const string DemoAccountName = "Demo (example.com)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await connection.EnsureAsync(cancellationToken);
        // Builds EF's model and runs the token lookup once on another core while the rest of the host starts, so the
        // first IdP request does not pay for them (start-up to the first 200: docs/operations.md).
        _ = Task.Run(() => WarmUpAsync(cancellationToken), CancellationToken.None);
        var migrate = options.Value.MigrateOnStartup || connection.IsLocal;
        // The demo account comes with the project-local database unless Demo:Enabled says otherwise.
        var demo = configuration.GetValue<bool?>("Demo:Enabled") ?? connection.IsLocal;
        if (!migrate && !demo)
        {
            return; // Nothing to do before listening; a DbContext here would start EF on the start-up path.
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        if (migrate)
        {
            await Migrator.MigrateAsync(db, logger, cancellationToken);
        }
        if (demo)
        {
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Name == DemoAccountName, cancellationToken);
            if (account is null)
            {
                account = await AccountSetup.CreateAsync(db, AccountSpec.Demo(DemoAccountName), cancellationToken);
                logger.LogInformation("Created the demo account {AccountId}", account.Id);
            }
            else if (!await db.Products.AnyAsync(p => p.AccountId == account.Id, cancellationToken))
            {
                // A demo account from before the account model: give it the demo contract.
                await AccountSetup.ApplyAsync(db, account, AccountSpec.Demo(DemoAccountName), cancellationToken);
            }
            // Tokens are stored only as hashes, so each start revokes the previous demo token and mints a new one.
            await db.ScimTokens.Where(t => t.AccountId == account.Id && t.Name == "demo-run" && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow), cancellationToken);
            banner.Token = (await TokenIssuer.MintAsync(db, account.Id, "demo-run", null, cancellationToken)).Value?.Secret;
            banner.AccountName = account.Name;
            banner.AccountId = account.Id;
            (banner.OperatorName, banner.OperatorPassword) = await DemoOperatorAsync(db, hasher, account.Id, cancellationToken);
        }
    }

    /// <summary>The demo account's Admin operator, with a fresh random password (only its hash is stored).</summary>
    private static async Task<(string, string)> DemoOperatorAsync(ScimDbContext db, Operators.PasswordHasher hasher, Guid accountId, CancellationToken ct)
    {
        const string name = "admin@example.com";
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var op = await db.Operators.FirstOrDefaultAsync(o => o.UserName == name, ct);
        if (op is null)
        {
            op = new Operators.Operator
            {
                Id = Guid.CreateVersion7(), UserName = name, PasswordHash = "", Kind = Operators.OperatorKind.AccountAdmin,
                AccountId = accountId, Created = DateTimeOffset.UtcNow,
            };
            db.Operators.Add(op);
        }
        op.PasswordHash = hasher.Hash(password);
        op.FailedSignIns = 0;
        op.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        return (name, password);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A head start only: the first request does the same work if this fails.")]
    private async Task WarmUpAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            _ = db.Model;
            await TokenIssuer.FindAsync(db, "scim_warm-up", ct);
        }
        catch (Exception e)
        {
            // Only a head start: the first request does the same work if this could not.
            logger.LogDebug("Warm-up skipped: {Error}", e.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
