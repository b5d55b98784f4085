using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ScimServer.Benchmarks;

/// <summary>
/// The ceiling: what the server's SQL costs when sent through raw Npgsql with no framework around it (no HTTP, no
/// EF, no JSON document model) — the same statements an IdP's request needs: the token lookup, then the query or
/// the write with its audit row, in one connection. The server/ceiling ratio says how much the server adds.
/// </summary>
internal sealed class Ceiling(NpgsqlDataSource source, string token)
{
    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The token, its connection and account: one indexed join, as every SCIM request starts.</summary>
    private async Task<(Guid Account, Guid Token)> AuthenticateAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t.account_id, t.id, c.unknown_group_members, a.tier, a.sso_status
            FROM scim_tokens t JOIN scim_connections c ON c.id = t.connection_id JOIN accounts a ON a.id = t.account_id
            WHERE t.hash = $1 AND t.revoked_at IS NULL
            """, connection) { Parameters = { new() { Value = _hash } } };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetGuid(0), reader.GetGuid(1));
    }

    public async Task UserNameEqAsync(string userName)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, _) = await AuthenticateAsync(connection);
        // Count and page in one round trip (a batch), as few as the answer allows.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT count(*) FROM users r WHERE r.account_id = $1 AND r.deleted_at IS NULL AND lower(r.user_name) = lower($2)")
                {
                    Parameters = { new() { Value = account }, new() { Value = userName } },
                },
                new NpgsqlBatchCommand("SELECT r.data, r.xmin FROM users r WHERE r.account_id = $1 AND r.deleted_at IS NULL AND lower(r.user_name) = lower($2) ORDER BY r.id LIMIT 100")
                {
                    Parameters = { new() { Value = account }, new() { Value = userName } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
            }
        }
        while (await reader.NextResultAsync());
    }

    public async Task GetByIdAsync(Guid id)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, _) = await AuthenticateAsync(connection);
        await using var command = new NpgsqlCommand("""
            SELECT r.data, r.xmin FROM users r WHERE r.id = $1 AND r.account_id = $2 AND r.deleted_at IS NULL
            """, connection) { Parameters = { new() { Value = id }, new() { Value = account } } };
        await DrainAsync(command);
        await using var groups = new NpgsqlCommand("""
            SELECT g.id, g.display_name FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = ANY($1)
            """, connection) { Parameters = { new() { Value = new[] { id } } } };
        await DrainAsync(groups);
    }

    public async Task PageAsync(int startIndex)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, _) = await AuthenticateAsync(connection);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM users r WHERE r.account_id = $1 AND r.deleted_at IS NULL", connection)
        {
            Parameters = { new() { Value = account } },
        };
        await count.ExecuteScalarAsync();
        await using var page = new NpgsqlCommand("""
            SELECT r.data, r.xmin FROM users r WHERE r.account_id = $1 AND r.deleted_at IS NULL ORDER BY r.id LIMIT 100 OFFSET $2
            """, connection) { Parameters = { new() { Value = account }, new() { Value = startIndex - 1 } } };
        await DrainAsync(page);
    }

    /// <summary>PATCH active: lock and read the row, write it back changed, append the audit entry; one transaction.</summary>
    public async Task PatchActiveAsync(Guid id, bool active)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, token) = await AuthenticateAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync();
        string data;
        await using (var read = new NpgsqlCommand("SELECT data FROM users WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = id }, new() { Value = account } },
        })
        {
            data = (string)(await read.ExecuteScalarAsync())!;
        }
        var document = JsonDocument.Parse(data).RootElement.GetRawText();
        await using (var write = new NpgsqlCommand(
            "UPDATE users SET active = $2, data = jsonb_set($3::jsonb, '{active}', to_jsonb($2)), last_modified = now() WHERE id = $1", connection, transaction)
        {
            Parameters = { new() { Value = id }, new() { Value = active }, new() { Value = document } },
        })
        {
            await write.ExecuteNonQueryAsync();
        }
        await using (var audit = new NpgsqlCommand("""
            INSERT INTO audit_log (account_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, status, changes)
            VALUES ($1, 'ScimToken', $2, 'bench', 'PatchUser', 'User', $3, 'Success', 200, $4::jsonb)
            """, connection, transaction)
        {
            Parameters = { new() { Value = account }, new() { Value = token.ToString() }, new() { Value = id.ToString() }, new() { Value = "{\"active\":{\"after\":" + (active ? "true" : "false") + "}}" } },
        })
        {
            await audit.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>POST /Users: in one transaction take a seat (the counter, under its row lock), insert the row, append the audit entry.</summary>
    public async Task CreateAsync(string userName, Guid product)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, token) = await AuthenticateAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, "UPDATE products SET seats_used = seats_used + 1 WHERE id = $1 AND seats_used < seats", product);
        var id = Guid.CreateVersion7();
        await ExecuteAsync(connection, transaction, """
            INSERT INTO users (id, account_id, user_name, email, given_name, family_name, active, product_id, email_values, data, created, last_modified)
            VALUES ($1, $2, $3, $3, 'N', 'U', true, $4, ARRAY[$3], jsonb_build_object('userName', $3::text, 'active', true), now(), now())
            """, id, account, userName, product);
        await AuditAsync(connection, transaction, account, token, "CreateUser", "User", id, 201, "{\"userName\":{\"after\":\"" + userName + "\"}}");
        await transaction.CommitAsync();
    }

    /// <summary>PATCH add one member: lock the group row, insert the member if it is a user of the account, audit.</summary>
    public async Task AddMemberAsync(Guid group, Guid member)
    {
        await using var connection = await source.OpenConnectionAsync();
        var (account, token) = await AuthenticateAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, "SELECT data FROM groups WHERE id = $1 AND account_id = $2 FOR UPDATE", group, account);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO group_members (group_id, member_id, member_type, account_id, added)
            SELECT $1, u.id, 'User', $2, now() FROM users u WHERE u.account_id = $2 AND u.id = $3 AND u.deleted_at IS NULL
            ON CONFLICT DO NOTHING
            """, group, account, member);
        await AuditAsync(connection, transaction, account, token, "PatchGroup", "Group", group, 204, "{\"members\":{\"added\":[\"" + member + "\"]}}");
        await transaction.CommitAsync();
    }

    private static async Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid account, Guid token, string action, string type, Guid target, int status, string changes) =>
        await ExecuteAsync(connection, transaction, """
            INSERT INTO audit_log (account_id, actor_type, actor_id, actor_name, action, target_type, target_id, outcome, status, changes)
            VALUES ($1, 'ScimToken', $2, 'bench', $3, $4, $5, 'Success', $6, $7::jsonb)
            """, account, token.ToString(), action, type, target.ToString(), status, changes);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task DrainAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
            }
        }
        while (await reader.NextResultAsync());
    }
}
