using Npgsql;

namespace ScimServer.IntegrationTests.Support;

/// <summary>Bulk test data written straight into the database, for sizes HTTP would make slow.</summary>
public static class Seed
{
    /// <summary>
    /// A connection for set-up, not a request: the connection string carries the server's statement timeout (15 s),
    /// which a bulk insert on a loaded 2-core machine can pass.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(ScimFixture fixture)
    {
        var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var unbounded = new NpgsqlCommand("SET statement_timeout = 0", connection);
        await unbounded.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Creates <paramref name="count"/> users and makes them members of the group, in two statements.</summary>
    public static async Task MembersAsync(ScimFixture fixture, Guid accountId, Guid groupId, int count)
    {
        await using var connection = await OpenAsync(fixture);
        await using var command = new NpgsqlCommand("""
            WITH created AS (
                INSERT INTO users (id, account_id, user_name, email, active, data, created, last_modified)
                SELECT gen_random_uuid(), $1, 'bulk-' || $2::text || '-' || i || '@example.com', 'bulk-' || $2::text || '-' || i || '@example.com', true,
                       jsonb_build_object('userName', 'bulk-' || $2::text || '-' || i || '@example.com', 'active', true), now(), now()
                FROM generate_series(1, $3) AS i
                RETURNING id)
            INSERT INTO group_members (group_id, member_id, member_type, account_id)
            SELECT $2, id, 'User', $1 FROM created
            """, connection)
        {
            Parameters = { new() { Value = accountId }, new() { Value = groupId }, new() { Value = count } },
            CommandTimeout = 300, // 100,000 rows through every index of users, on a loaded 2-core machine
        };
        await command.ExecuteNonQueryAsync();
        // Fresh statistics, so the plans the tests look at are the ones a settled table gets.
        await using var analyze = new NpgsqlCommand("ANALYZE group_members", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
