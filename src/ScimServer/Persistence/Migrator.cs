using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScimServer.Persistence;

/// <summary>
/// Applies the checked-in migrations, all in one transaction, and logs what ran. Everything it sets is
/// transaction-scoped (SET LOCAL, an advisory transaction lock), so it is as safe behind a transaction-mode pool
/// (PgBouncer) as on a direct connection: a session SET or session lock would stay behind on whichever pooled server
/// connection ran it, and would not hold the next statement, which may run on another.
/// </summary>
public static class Migrator
{
    /// <summary>
    /// The lock queues processes that start together (the second finds nothing left to apply); a migration may build
    /// an index over millions of rows, so no statement timeout; the history table is created up front so EF does not
    /// log a failed query against it on a fresh database. The lock key is 0x5C15E20.
    /// </summary>
    private const string Prepare = "SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(96558624); " +
        "CREATE TABLE IF NOT EXISTS \"__EFMigrationsHistory\" (\"MigrationId\" varchar(150) PRIMARY KEY, \"ProductVersion\" varchar(32) NOT NULL)";

    public static async Task MigrateAsync(ScimDbContext db, ILogger logger, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        // Its own context: EF is told that the transaction around its migrations is ours (by default it refuses
        // one), and the request pool's contexts keep their settings.
        var options = new DbContextOptionsBuilder<ScimDbContext>();
        PersistenceServices.Configure(options, db.Database.GetConnectionString()!)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.MigrationsUserTransactionWarning));
        await using var migrations = new ScimDbContext(options.Options);
        await using var transaction = await migrations.Database.BeginTransactionAsync(ct);
        await migrations.Database.ExecuteSqlRawAsync(Prepare, ct);
        // Read under the lock: what another process applied meanwhile is not pending any more.
        var pending = (await migrations.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            // One transaction for all: a migration that fails leaves the schema as it was (PostgreSQL's DDL is transactional).
            await migrations.Database.MigrateAsync(ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Database schema up to date ({Count} migrations applied) in {Elapsed} ms", pending.Count, watch.ElapsedMilliseconds);
    }
}
