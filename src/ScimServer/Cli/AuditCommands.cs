using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.Audit;
using ScimServer.Persistence;

namespace ScimServer.Cli;

/// <summary>
/// <c>audit verify | export | archive</c>, and the audit entries of the CLI's own changes. Archiving moves the
/// oldest entries of each chain to a JSON-lines file (every column, hashes included) and leaves an anchor, so the
/// rest of the chain still verifies and the file can be verified on its own.
/// </summary>
internal static class AuditCommands
{
    /// <summary>Records a change made by a CLI command, in the caller's transaction.</summary>
    public static async Task RecordAsync(ScimDbContext db, Guid accountId, string action, string type, Guid id, string? name, JsonObject? changes, CancellationToken ct)
    {
        var trail = new AuditTrail(AuditActor.Cli()) { AccountId = accountId, Action = action };
        trail.About(type, id, name);
        trail.Record(changes);
        await trail.FlushAsync(db, 0, ct);
    }

    /// <summary><c>audit verify [--account &lt;id|name|server&gt;] [--file archive.jsonl]</c>: exit 0 when every chain checked is intact, else 3.</summary>
    public static async Task<int> VerifyAsync(ScimDbContext db, string[] args, CancellationToken ct)
    {
        if (AccountCommands.Option(args, "--file") is { } file)
        {
            return await VerifyFileAsync(db, file, ct);
        }
        var chains = await ChainsAsync(db, args, ct);
        if (chains is null)
        {
            return 2;
        }
        var broken = 0;
        foreach (var chain in chains)
        {
            var report = await AuditChain.VerifyAsync(db, chain, ct);
            Console.WriteLine(report.Intact
                ? $"{chain}: intact, {report.Entries} entries (archived through {report.ArchivedThrough}), head {report.HeadSeq} {report.HeadHash}"
                : $"{chain}: BROKEN at entry {report.FirstBadSeq} ({report.Problem}): {report.Detail}");
            broken += report.Intact ? 0 : 1;
        }
        return broken == 0 ? 0 : 3;
    }

    /// <summary><c>audit export --account &lt;id|name|server&gt; [--format jsonl|csv] [--from yyyy-MM-dd] [--to yyyy-MM-dd]</c> to stdout.</summary>
    public static async Task<int> ExportAsync(ScimDbContext db, string[] args, CancellationToken ct)
    {
        var format = AccountCommands.Option(args, "--format") ?? "jsonl";
        var chains = await ChainsAsync(db, args, ct);
        if (chains is not [var account] || !AuditExport.Formats.Contains(format))
        {
            Console.Error.WriteLine("audit export needs --account <id|name|server> and --format jsonl or csv.");
            return 2;
        }
        var entries = db.Set<AuditEntry>().AsNoTracking().Where(e => e.AccountId == account);
        if (Date(args, "--from") is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (Date(args, "--to") is { } to)
        {
            entries = entries.Where(e => e.At < to.AddDays(1));
        }
        var count = await AuditExport.WriteAsync(entries.OrderBy(e => e.Seq).AsAsyncEnumerable(), format, Console.Out, ct);
        Console.Error.WriteLine($"{count} entries exported.");
        return 0;
    }

    /// <summary>
    /// <c>audit archive --out &lt;dir&gt; [--before yyyy-MM-dd] [--account …]</c>; without --before, entries older than
    /// <c>Audit:RetentionDays</c> go. Each chain is verified first; a broken chain is not archived.
    /// </summary>
    public static async Task<int> ArchiveAsync(ScimDbContext db, string[] args, int retentionDays, CancellationToken ct)
    {
        var directory = AccountCommands.Option(args, "--out");
        DateTimeOffset? cutoff = Date(args, "--before") ?? (retentionDays > 0 ? DateTimeOffset.UtcNow.AddDays(-retentionDays) : null);
        if (directory is null || cutoff is null)
        {
            Console.Error.WriteLine("audit archive needs --out <dir>, and --before yyyy-MM-dd or Audit:RetentionDays > 0.");
            return 2;
        }
        Directory.CreateDirectory(directory);
        var chains = await ChainsAsync(db, args, ct);
        if (chains is null)
        {
            return 2;
        }
        foreach (var chain in chains)
        {
            var report = await AuditChain.VerifyAsync(db, chain, ct);
            if (!report.Intact)
            {
                Console.Error.WriteLine($"{chain}: not archived, the chain is broken at entry {report.FirstBadSeq} ({report.Problem}).");
                return 3;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var last = await db.Database.SqlQuery<long>($"""
                SELECT coalesce(max(seq), 0) AS "Value" FROM audit_log WHERE account_id = {chain} AND at < {cutoff.Value} AND seq > {report.ArchivedThrough}
                """).SingleAsync(ct);
            if (last == 0)
            {
                continue;
            }
            var path = Path.Combine(directory, $"audit-{chain}-{report.ArchivedThrough + 1}-{last}.jsonl");
            await using (var file = new StreamWriter(path, append: false))
            {
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                await using var command = new NpgsqlCommand(
                    "SELECT row_to_json(a)::text FROM audit_log a WHERE account_id = @a AND seq > @from AND seq <= @to ORDER BY seq", connection);
                command.Parameters.AddWithValue("a", chain);
                command.Parameters.AddWithValue("from", report.ArchivedThrough);
                command.Parameters.AddWithValue("to", last);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    await file.WriteLineAsync(reader.GetString(0));
                }
            }
            // The anchor first: the guard lets only entries up to archived_seq be deleted.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE audit_heads SET archived_seq = {last}, archived_hash = (SELECT hash FROM audit_log WHERE account_id = {chain} AND seq = {last})
                WHERE account_id = {chain}
                """, ct);
            var removed = await db.Database.ExecuteSqlAsync($"DELETE FROM audit_log WHERE account_id = {chain} AND seq <= {last}", ct);
            await transaction.CommitAsync(ct);
            Console.WriteLine($"{chain}: archived entries {report.ArchivedThrough + 1}-{last} ({removed}) to {path}");
        }
        return 0;
    }

    /// <summary>Loads an archive file into a temporary table and checks every entry's hash, digest and link.</summary>
    private static async Task<int> VerifyFileAsync(ScimDbContext db, string path, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        // The table lives in a transaction that is never committed: pooled connections are not reset on close
        // (DatabaseConnection), so a session-level temporary table would still be there for the next command.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE archived (LIKE audit_log) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            await using var insert = new NpgsqlCommand("INSERT INTO archived SELECT * FROM json_populate_record(NULL::audit_log, @row::json)", connection, transaction);
            insert.Parameters.AddWithValue("row", line);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using var check = new NpgsqlCommand("""
            SELECT seq, audit_entry_hash(ROW(a.*)::audit_log) = hash,
                   (erased_at IS NOT NULL AND personal_salt IS NULL) OR audit_personal_digest(ROW(a.*)::audit_log) = personal_digest,
                   prev_hash = lag(hash) OVER (ORDER BY seq) OR lag(hash) OVER (ORDER BY seq) IS NULL,
                   seq = lag(seq) OVER (ORDER BY seq) + 1 OR lag(seq) OVER (ORDER BY seq) IS NULL,
                   encode(hash, 'hex')
            FROM archived a ORDER BY seq
            """, connection, transaction);
        await using var reader = await check.ExecuteReaderAsync(ct);
        long count = 0, first = 0, lastSeq = 0;
        var lastHash = "";
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            first = count == 0 ? seq : first;
            string? problem = !reader.GetBoolean(4) ? "removed (gap before it)" : !reader.GetBoolean(1) || !reader.GetBoolean(2) ? "altered" : !reader.GetBoolean(3) ? "reordered" : null;
            if (problem is not null)
            {
                Console.WriteLine($"{path}: BROKEN at entry {seq} ({problem})");
                return 3;
            }
            (lastSeq, lastHash) = (seq, reader.GetString(5));
            count++;
        }
        Console.WriteLine($"{path}: intact, entries {first}-{lastSeq} ({count}), last hash {lastHash} (the chain's archived_hash)");
        return 0;
    }

    private static async Task<List<Guid>?> ChainsAsync(ScimDbContext db, string[] args, CancellationToken ct)
    {
        var reference = AccountCommands.Option(args, "--account");
        if (reference is null)
        {
            return await AuditChain.ChainsAsync(db, ct);
        }
        if (reference == "server")
        {
            return [Guid.Empty];
        }
        return await AccountCommands.FindAccountAsync(db, reference, ct) is { } account ? [account.Id] : null;
    }

    private static DateTimeOffset? Date(string[] args, string name) =>
        AccountCommands.Option(args, name) is { } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
                : throw new InvalidOperationException($"{name} must be a date like 2026-01-31.")
            : null;
}
