using Npgsql;

namespace ScimServer.Benchmarks;

/// <summary>Seeds an account straight into PostgreSQL: N users holding seats and, unless left out, a group of 10 and one of every user.</summary>
internal static class Seeding
{
    public static async Task<(Guid Small, Guid Large)> SeedAsync(string connectionString, Guid account, int users, bool groups = true)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var small = Guid.CreateVersion7();
        var large = Guid.CreateVersion7();
        string[] seedUsers =
        [
            """
            INSERT INTO users (id, account_id, user_name, email, given_name, family_name, product_id, external_id, display_name, email_values, data, created, last_modified)
            SELECT gen_random_uuid(), $1, 'user-' || i || '@example.com', 'user-' || i || '@example.com', 'User', i::text,
                   (SELECT default_product_id FROM accounts WHERE id = $1), 'ext-' || i, 'User ' || i, ARRAY['user-' || i || '@example.com'],
                   jsonb_build_object('userName', 'user-' || i || '@example.com', 'externalId', 'ext-' || i, 'displayName', 'User ' || i,
                                      'active', true, 'name', jsonb_build_object('givenName', 'User', 'familyName', i::text),
                                      'emails', jsonb_build_array(jsonb_build_object('value', 'user-' || i || '@example.com', 'type', 'work', 'primary', true))),
                   now(), now()
            FROM generate_series(1, $2) AS i
            """,
            // Every seeded user holds a seat, as in a real tenant; the counter follows.
            "UPDATE products SET seats_used = $2 WHERE account_id = $1",
        ];
        string[] seedGroups =
        [
            "INSERT INTO groups (id, account_id, display_name, data, created, last_modified) VALUES ($3, $1, 'small', '{\"displayName\":\"small\"}', now(), now()), ($4, $1, 'large', '{\"displayName\":\"large\"}', now(), now())",
            "INSERT INTO group_members (group_id, member_id, member_type, account_id) SELECT $3, id, 'User', $1 FROM users WHERE account_id = $1 ORDER BY id LIMIT 10",
            "INSERT INTO group_members (group_id, member_id, member_type, account_id) SELECT $4, id, 'User', $1 FROM users WHERE account_id = $1",
        ];
        foreach (var sql in (groups ? seedUsers.Concat(seedGroups) : seedUsers).Append("ANALYZE"))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = account });
                command.Parameters.Add(new NpgsqlParameter { Value = users });
                command.Parameters.Add(new NpgsqlParameter { Value = small });
                command.Parameters.Add(new NpgsqlParameter { Value = large });
            }
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }
        return (small, large);
    }
}
