using System.Data.Common;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ScimServer.Accounts;
using ScimServer.Persistence;

namespace ScimServer.Tokens;

/// <summary>
/// The statement every SCIM request starts with: the live token by its hash, with its account, its connection and
/// the account's products (one aggregated column), through Npgsql on the request's connection. EF's translation of
/// the same join (a subquery, a LEFT JOIN and an ORDER BY for the products) cost several times the statement itself;
/// the columns are mapped here by hand, and a test holds the mapping to EF's, property by property.
/// </summary>
internal static class TokenRead
{
    private const string Sql = """
        SELECT t.id, t.account_id, t.connection_id, t.name, t.hash, t.prefix, t.created, t.expires_at, t.revoked_at,
               a.id, a.name, a.created, a.tier, a.email_domains, a.restrict_domains, a.require_names, a.require_email,
               a.viewer_access, a.credit_pool, a.contract_start, a.contract_end, a.sso_idp, a.sso_status, a.require_sso,
               a.credits_used, a.credits_reserved, a.default_product_id, a.idp_role_mappings,
               c.id, c.account_id, c.idp, c.name, c.created, c.unknown_group_members, c.unmatched_value_filter,
               (SELECT json_agg(json_build_array(p.id, p.code, p.name, p.seats, p.seats_used) ORDER BY p.code)
                FROM products p WHERE p.account_id = a.id),
               t.last_used_at
        FROM scim_tokens t
        JOIN accounts a ON a.id = t.account_id
        JOIN scim_connections c ON c.id = t.connection_id
        WHERE t.hash = @hash AND t.revoked_at IS NULL
        """;

    public static Task<LiveToken?> FindAsync(ScimDbContext db, byte[] hash, CancellationToken ct) =>
        RawRead.RunAsync(db, Sql, [new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = hash }],
            async (reader, token) => await reader.ReadAsync(token) ? Read(reader) : null, ct);

    private static LiveToken Read(DbDataReader r)
    {
        var token = new ScimToken
        {
            Id = r.GetGuid(0),
            AccountId = r.GetGuid(1),
            ConnectionId = r.GetGuid(2),
            Name = r.GetString(3),
            Hash = r.GetFieldValue<byte[]>(4),
            Prefix = r.GetString(5),
            Created = r.GetFieldValue<DateTimeOffset>(6),
            ExpiresAt = Nullable<DateTimeOffset>(r, 7),
            RevokedAt = Nullable<DateTimeOffset>(r, 8),
            LastUsedAt = Nullable<DateTimeOffset>(r, 36),
        };
        var account = new Account
        {
            Id = r.GetGuid(9),
            Name = r.GetString(10),
            Created = r.GetFieldValue<DateTimeOffset>(11),
            Tier = Enum.Parse<AccountTier>(r.GetString(12)),
            EmailDomains = r.GetFieldValue<string[]>(13),
            RestrictDomains = r.GetBoolean(14),
            RequireNames = r.GetBoolean(15),
            RequireEmail = r.GetBoolean(16),
            ViewerAccess = r.GetBoolean(17),
            CreditPool = r.GetInt64(18),
            ContractStart = Nullable<DateOnly>(r, 19),
            ContractEnd = Nullable<DateOnly>(r, 20),
            SsoIdp = r.IsDBNull(21) ? null : Enum.Parse<IdentityProviderKind>(r.GetString(21)),
            SsoStatus = Enum.Parse<SsoStatus>(r.GetString(22)),
            RequireSso = r.GetBoolean(23),
            CreditsUsed = r.GetInt64(24),
            CreditsReserved = r.GetInt64(25),
            DefaultProductId = Nullable<Guid>(r, 26),
            IdpRoleMappings = r.GetString(27),
        };
        var connection = new ScimConnection
        {
            Id = r.GetGuid(28),
            AccountId = r.GetGuid(29),
            Idp = Enum.Parse<IdentityProviderKind>(r.GetString(30)),
            Name = r.GetString(31),
            Created = r.GetFieldValue<DateTimeOffset>(32),
            UnknownGroupMembers = Enum.Parse<UnknownMembers>(r.GetString(33)),
            UnmatchedValueFilter = Enum.Parse<UnmatchedValueFilter>(r.GetString(34)),
        };
        return new LiveToken(token, account, connection, r.IsDBNull(35) ? [] : Products(account.Id, r.GetString(35)));
    }

    private static List<Product> Products(Guid accountId, string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(p => new Product
        {
            Id = p[0].GetGuid(),
            AccountId = accountId,
            Code = p[1].GetString()!,
            Name = p[2].GetString()!,
            Seats = p[3].GetInt32(),
            SeatsUsed = p[4].GetInt32(),
        }).ToList();
    }

    private static T? Nullable<T>(DbDataReader r, int ordinal) where T : struct =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<T>(ordinal);
}
