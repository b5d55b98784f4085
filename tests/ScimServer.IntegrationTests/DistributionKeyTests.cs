using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// The path past one primary (docs/scaling.md): a Citus-style distributed PostgreSQL shards by account_id, which
/// needs it on every table and in every unique index. These tests hold the schema to the list in that document, so a
/// new table or unique index without account_id fails here until it is fixed or the document says why.
/// </summary>
public sealed class DistributionKeyTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    /// <summary>Tables without account_id, each named in docs/scaling.md with what it would become.</summary>
    private static readonly string[] TablesWithoutAccountId = ["__EFMigrationsHistory", "accounts", "data_protection_keys", "server_keys"];

    /// <summary>
    /// Unique indexes without account_id: the primary keys on globally unique ids (version 7 UUIDs), which become
    /// (account_id, id) when sharding; and the two lookups made before the account is known (a token's hash, an
    /// operator's sign-in name), which stay on tables every node holds a copy of.
    /// </summary>
    private static readonly string[] UniqueIndexesWithoutAccountId =
    [
        "__EFMigrationsHistory_pkey", "accounts_pkey", "credit_ledger_pkey", "data_protection_keys_pkey", "group_members_pkey", "groups_pkey", "operators_pkey",
        "products_pkey", "scim_connections_pkey", "scim_tokens_pkey", "server_keys_pkey", "users_pkey",
        "ux_operators_user_name", "ux_scim_tokens_hash",
    ];

    [Fact]
    public async Task EveryTable_CarriesAccountId_ExceptTheDocumentedOnes()
    {
        var without = await StringsAsync("""
            SELECT t.table_name FROM information_schema.tables t
            WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND NOT EXISTS (
                SELECT 1 FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'account_id')
            """);
        Assert.Equal(TablesWithoutAccountId.Order(StringComparer.Ordinal), without.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryUniqueIndex_IncludesAccountId_ExceptTheDocumentedOnes()
    {
        var without = await StringsAsync("""
            SELECT ci.relname FROM pg_index i
            JOIN pg_class ci ON ci.oid = i.indexrelid
            JOIN pg_class ct ON ct.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = ct.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND NOT EXISTS (
                SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = ct.oid AND a.attname = 'account_id' AND a.attnum = ANY (i.indkey))
            """);
        Assert.Equal(UniqueIndexesWithoutAccountId.Order(StringComparer.Ordinal), without.Order(StringComparer.Ordinal));
    }

    private async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
