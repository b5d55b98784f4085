using System.Data.Common;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ScimServer.Groups;
using ScimServer.Persistence;

namespace ScimServer.Users;

/// <summary>
/// The hot user reads (GET by id, the IdPs' filter lookups, list pages, the load before a write) in one statement
/// each: the user's columns and the user's groups (shown, and part of its ETag) as one aggregated column, read
/// through Npgsql on the request's connection. EF would need a second statement for the groups, and costs more CPU
/// per row than the read itself; the columns are mapped here by hand, in <see cref="Columns"/> order, and a test
/// holds this mapping to EF's (every property of <see cref="User"/>).
/// </summary>
public static class UserReads
{
    /// <summary>Every column of <see cref="User"/>, in the order <see cref="Read"/> takes them.</summary>
    public const string Columns =
        "r.id, r.account_id, r.user_name, r.external_id, r.display_name, r.active, r.email, r.given_name, r.family_name, " +
        "r.email_values, r.data, r.password_hash, r.created, r.last_modified, r.deleted_at, r.role, r.product_id, " +
        "r.credit_limit, r.credits_used, r.source, r.connection_id, r.last_login, r.invited_at, r.sso_sign_in_at, " +
        "r.credits_period_start, r.xmin";

    /// <summary>
    /// The column after <see cref="Columns"/>: the user's groups as a JSON array of [id, displayName] pairs in the
    /// order the resource lists them (NULL for none).
    /// </summary>
    public const string GroupsColumn = """
        (SELECT json_agg(json_build_array(g.id, g.display_name) ORDER BY g.display_name, g.id)
         FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = r.id)
        """;

    /// <summary>One live user of the account by id, with its groups, or null.</summary>
    public static async Task<UserRead?> FindAsync(ScimDbContext db, Guid accountId, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return null;
        }
        var sql = $"SELECT {Columns}, {GroupsColumn} FROM users r WHERE r.id = @id AND r.account_id = @account AND r.deleted_at IS NULL";
        var rows = await QueryAsync(db, sql,
            [new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = guid }, new NpgsqlParameter("account", NpgsqlDbType.Uuid) { Value = accountId }], ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Runs a statement whose select list is <see cref="Columns"/> then <see cref="GroupsColumn"/>, in the request's transaction if one is open.</summary>
    public static Task<List<UserRead>> QueryAsync(ScimDbContext db, string sql, NpgsqlParameter[] parameters, CancellationToken ct) =>
        RawRead.RunAsync(db, sql, parameters, async (reader, token) =>
        {
            var rows = new List<UserRead>();
            while (await reader.ReadAsync(token))
            {
                rows.Add(new UserRead(Read(reader), reader.IsDBNull(26) ? [] : Groups(reader.GetGuid(0), reader.GetString(26))));
            }
            return rows;
        }, ct);

    private static User Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        AccountId = r.GetGuid(1),
        UserName = r.GetString(2),
        ExternalId = r.IsDBNull(3) ? null : r.GetString(3),
        DisplayName = r.IsDBNull(4) ? null : r.GetString(4),
        Active = r.GetBoolean(5),
        Email = r.IsDBNull(6) ? null : r.GetString(6),
        GivenName = r.IsDBNull(7) ? null : r.GetString(7),
        FamilyName = r.IsDBNull(8) ? null : r.GetString(8),
        EmailValues = r.GetFieldValue<string[]>(9),
        Data = r.GetString(10),
        PasswordHash = r.IsDBNull(11) ? null : r.GetString(11),
        Created = r.GetFieldValue<DateTimeOffset>(12),
        LastModified = r.GetFieldValue<DateTimeOffset>(13),
        DeletedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        Role = Enum.Parse<Accounts.UserRole>(r.GetString(15)),
        ProductId = r.IsDBNull(16) ? null : r.GetGuid(16),
        CreditLimit = r.IsDBNull(17) ? null : r.GetInt64(17),
        CreditsUsed = r.GetInt64(18),
        Source = r.GetString(19),
        ConnectionId = r.IsDBNull(20) ? null : r.GetGuid(20),
        LastLogin = r.IsDBNull(21) ? null : r.GetFieldValue<DateTimeOffset>(21),
        InvitedAt = r.IsDBNull(22) ? null : r.GetFieldValue<DateTimeOffset>(22),
        SsoSignInAt = r.IsDBNull(23) ? null : r.GetFieldValue<DateTimeOffset>(23),
        CreditsPeriodStart = r.IsDBNull(24) ? null : r.GetFieldValue<DateTimeOffset>(24),
        Version = r.GetFieldValue<uint>(25),
    };

    private static List<GroupRef> Groups(Guid userId, string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(pair => new GroupRef { MemberId = userId, GroupId = pair[0].GetGuid(), DisplayName = pair[1].GetString()! })
            .ToList();
    }
}

/// <summary>A user as read for a response, with its groups.</summary>
public sealed record UserRead(User User, IReadOnlyList<GroupRef> Groups);
