using Npgsql;
using ScimServer.Groups;
using ScimServer.IntegrationTests.Support;
using ScimServer.Persistence;
using ScimServer.Protocol.Filtering;
using ScimServer.Users;

namespace ScimServer.IntegrationTests;

/// <summary>The SQL the translator writes, and that PostgreSQL answers the filters IdPs send from indexes.</summary>
public sealed class SqlTranslationTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Theory]
    [InlineData("userName eq \"A\"", "(lower(r.user_name) = lower(@p0))")]
    [InlineData("externalId eq \"A\"", "(r.external_id = @p0)")]
    [InlineData("active eq true", "(r.active = @p0)")]
    [InlineData("emails.value eq \"A@x.com\"", "(r.email_values @> ARRAY[@p0])")]
    [InlineData("userName co \"a\"", "(lower(r.user_name) LIKE lower(@p0))")]
    [InlineData("not (title pr)", "(((jsonb_extract_path_text(r.data, 'title') IS NOT NULL AND jsonb_extract_path_text(r.data, 'title') <> '')) IS NOT TRUE)")]
    [InlineData("meta.lastModified gt \"2026-01-01T00:00:00Z\"", "(r.last_modified > @p0)")]
    [InlineData("name.familyName eq \"x\" or title eq \"y\"", "((lower(jsonb_extract_path_text(r.data, 'name', 'familyName')) = lower(@p0)) OR (lower(jsonb_extract_path_text(r.data, 'title')) = lower(@p1)))")]
    [InlineData("emails[type eq \"work\"]", "EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(jsonb_extract_path(r.data, 'emails'), jsonb_build_array())) AS e0(v) WHERE TRUE AND (lower((e0.v ->> 'type')) = lower(@p0)))")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"x\"", "(lower(jsonb_extract_path_text(r.data, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'department')) = lower(@p0))")]
    public void Translate_UserFilter_WritesParameterisedSql(string filter, string sql)
    {
        var translated = new SqlFilterTranslator(UserSqlMap.Instance, new SqlParameters()).Translate(FilterParser.Parse(filter).Value!);
        Assert.Equal(sql, translated.Value);
    }

    [Fact]
    public void Translate_GroupMembers_UsesTheMembershipTable()
    {
        var translated = new SqlFilterTranslator(GroupSqlMap.Instance, new SqlParameters())
            .Translate(FilterParser.Parse("members.value eq \"2819c223-7f76-453a-919d-413861904646\"").Value!);
        Assert.Equal("EXISTS (SELECT 1 FROM group_members e0 WHERE e0.group_id = r.id AND (e0.member_id = @p0))", translated.Value);
    }

    [Theory]
    [InlineData("users", "userName eq \"user-500@example.com\"", "ux_users_account_user_name")]
    [InlineData("users", "externalId eq \"ext-500\"", "ix_users_account_external_id")]
    [InlineData("users", "emails.value eq \"user-500@example.com\"", "ix_users_email_values")]
    [InlineData("users", "userName co \"er-50\"", "ix_users_user_name_trgm")]
    [InlineData("groups", "displayName eq \"group 5\"", "ix_groups_account_display_name")]
    public async Task Filter_IdpLookups_AreAnsweredFromAnIndex(string table, string filter, string index)
    {
        var account = await fixture.NewAccountAsync();
        await using var connection = await Seed.OpenAsync(fixture);
        foreach (var statement in new[]
        {
            """
            INSERT INTO users (id, account_id, user_name, external_id, email_values, data, created, last_modified)
            SELECT gen_random_uuid(), $1, 'user-' || i || '@example.com', 'ext-' || i, ARRAY['user-' || i || '@example.com'],
                   jsonb_build_object('userName', 'user-' || i || '@example.com'), now(), now()
            FROM generate_series(1, 2000) AS i
            """,
            """
            INSERT INTO groups (id, account_id, display_name, data, created, last_modified)
            SELECT gen_random_uuid(), $1, 'Group ' || i, jsonb_build_object('displayName', 'Group ' || i), now(), now()
            FROM generate_series(1, 2000) AS i
            """,
        })
        {
            await using var seed = new NpgsqlCommand(statement, connection) { Parameters = { new() { Value = account.Id } } };
            await seed.ExecuteNonQueryAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE users; ANALYZE groups;", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }
        var map = table == "users" ? (IResourceSqlMap)UserSqlMap.Instance : GroupSqlMap.Instance;
        var parameters = new SqlParameters();
        var account_ = parameters.Add(account.Id, NpgsqlTypes.NpgsqlDbType.Uuid);
        var where = new SqlFilterTranslator(map, parameters).Translate(FilterParser.Parse(filter).Value!).Value;
        // The same scope the list endpoints add (deleted users are out of every read).
        var scope = table == "users" ? " AND r.deleted_at IS NULL" : "";
        await using var explain = new NpgsqlCommand($"EXPLAIN SELECT r.id FROM {table} r WHERE r.account_id = {account_}{scope} AND {where}", connection);
        explain.Parameters.AddRange(parameters.ToArray());
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }
        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
    }
}
