using Npgsql;

namespace ScimServer.IntegrationTests.Support;

/// <summary>Bulk test data written straight into the database, for sizes HTTP would make slow.</summary>
public static class Seed
{
    /// <summary>Creates <paramref name="count"/> users and makes them members of the group, in two statements.</summary>
    public static async Task MembersAsync(ScimFixture fixture, Guid accountId, Guid groupId, int count)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
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
        // Both tables: users is shared by every test of the run, and its statistics may still describe a small table.
        await using var analyze = new NpgsqlCommand("ANALYZE group_members; ANALYZE users", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
