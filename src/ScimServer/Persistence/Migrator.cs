using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ScimServer.Persistence;

/// <summary>Applies the checked-in migrations, one process at a time (an advisory lock), and logs what ran.</summary>
public static class Migrator
{
    private const long LockKey = 0x5C1_5E_2_0;

    public static async Task MigrateAsync(ScimDbContext db, ILogger logger, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // A migration may build an index over millions of rows: no statement timeout for it (RESET in the end).
            await using (var unbounded = new NpgsqlCommand("SET statement_timeout = 0", (NpgsqlConnection)db.Database.GetDbConnection()))
            {
                await unbounded.ExecuteNonQueryAsync(ct);
            }
            // Several server processes may start together against one database.
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", (NpgsqlConnection)db.Database.GetDbConnection()))
            {
                await take.ExecuteNonQueryAsync(ct);
            }
            // Created up front so EF does not log a failed query against a missing history table on a fresh database.
            await using (var history = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS \"__EFMigrationsHistory\" (\"MigrationId\" varchar(150) PRIMARY KEY, \"ProductVersion\" varchar(32) NOT NULL)",
                (NpgsqlConnection)db.Database.GetDbConnection()))
            {
                await history.ExecuteNonQueryAsync(ct);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(ct);
            }
            logger.LogInformation("Database schema up to date ({Count} migrations applied) in {Elapsed} ms", pending.Count, watch.ElapsedMilliseconds);
        }
        finally
        {
            await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey}); RESET statement_timeout", (NpgsqlConnection)db.Database.GetDbConnection()))
            {
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            await db.Database.CloseConnectionAsync();
        }
    }
}
