using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.Persistence;

namespace ScimServer.Audit;

/// <summary>What a chain check found: intact, or the first entry that was altered, removed or reordered.</summary>
public sealed record ChainReport(
    Guid AccountId, bool Intact, long Entries, long ArchivedThrough, long HeadSeq, string HeadHash,
    long? FirstBadSeq = null, string? Problem = null, string? Detail = null);

/// <summary>
/// Verifies one account's hash chain by streaming it in order (constant memory, one pass): each entry's hash is
/// recomputed by the same database function the append trigger used, its personal digest is recomputed unless
/// it was erased, its link must name the previous entry's hash, sequence numbers must have no gaps, and the
/// chain must end where its head says.
/// </summary>
public static class AuditChain
{
    public const string Altered = "altered";
    public const string Removed = "removed";
    public const string Reordered = "reordered";

    public static async Task<ChainReport> VerifyAsync(ScimDbContext db, Guid accountId, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            return await VerifyOpenAsync(connection, accountId, ct);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>The accounts that have a chain (the nil uuid holds requests no account could be told for).</summary>
    public static Task<List<Guid>> ChainsAsync(ScimDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<Guid>($"SELECT account_id AS \"Value\" FROM audit_heads ORDER BY account_id").ToListAsync(ct);

    private static async Task<ChainReport> VerifyOpenAsync(NpgsqlConnection connection, Guid accountId, CancellationToken ct)
    {
        long headSeq = 0, archivedSeq = 0;
        byte[] headHash = [0], expectedPrev = [0];
        await using (var head = new NpgsqlCommand("SELECT seq, hash, archived_seq, archived_hash FROM audit_heads WHERE account_id = @a", connection))
        {
            head.Parameters.AddWithValue("a", accountId);
            await using var reader = await head.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                headSeq = reader.GetInt64(0);
                headHash = (byte[])reader[1];
                archivedSeq = reader.GetInt64(2);
                expectedPrev = archivedSeq == 0 ? [0] : (byte[])reader[3];
            }
        }
        ChainReport Report(long? bad = null, string? problem = null, string? detail = null, long entries = 0) =>
            new(accountId, problem is null, entries, archivedSeq, headSeq, Convert.ToHexStringLower(headHash), bad, problem, detail);

        await using var command = new NpgsqlCommand("""
            SELECT seq, prev_hash, hash, audit_entry_hash(a) = hash,
                   (erased_at IS NOT NULL AND personal_salt IS NULL) OR audit_personal_digest(a) = personal_digest
            FROM audit_log a WHERE account_id = @a ORDER BY seq
            """, connection);
        command.Parameters.AddWithValue("a", accountId);
        await using var rows = await command.ExecuteReaderAsync(ct);
        var expectedSeq = archivedSeq + 1;
        long count = 0;
        while (await rows.ReadAsync(ct))
        {
            var seq = rows.GetInt64(0);
            var prev = (byte[])rows[1];
            var hash = (byte[])rows[2];
            if (seq > expectedSeq)
            {
                return Report(expectedSeq, Removed, seq - expectedSeq == 1
                    ? $"Entry {expectedSeq} is missing."
                    : $"Entries {expectedSeq} to {seq - 1} are missing.", count);
            }
            if (seq < expectedSeq)
            {
                return Report(seq, Removed, $"Entry {seq} precedes the archived part of the chain (archived through {archivedSeq}).", count);
            }
            if (!rows.GetBoolean(3))
            {
                return Report(seq, Altered, $"Entry {seq} does not match its hash: one of its fields was changed after it was written.", count);
            }
            if (!rows.GetBoolean(4))
            {
                return Report(seq, Altered, $"Entry {seq}'s personal fields (target name, detail, changes) were changed after it was written.", count);
            }
            if (!prev.AsSpan().SequenceEqual(expectedPrev))
            {
                return Report(seq, Reordered, $"Entry {seq} does not link to entry {seq - 1}: entries were reordered or rewritten.", count);
            }
            expectedPrev = hash;
            expectedSeq = seq + 1;
            count++;
        }
        if (headSeq >= expectedSeq)
        {
            return Report(expectedSeq, Removed, $"The chain ends at {expectedSeq - 1} but its head says {headSeq}: the newest entries were removed.", count);
        }
        if (count > 0 && !expectedPrev.AsSpan().SequenceEqual(headHash))
        {
            return Report(expectedSeq - 1, Altered, "The last entry's hash differs from the chain head's.", count);
        }
        return Report(entries: count);
    }
}
