using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ScimServer.Persistence;

namespace ScimServer.Groups;

/// <summary>Reads memberships for a page of resources in one statement, only when the response will show them.</summary>
public static class MembershipReader
{
    public static async Task<ILookup<Guid, GroupRef>> GroupsOfUsersAsync(ScimDbContext db, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return Array.Empty<GroupRef>().ToLookup(g => g.MemberId);
        }
        var rows = await db.Database.SqlQueryRaw<GroupRef>(
                """
                SELECT m.member_id AS "MemberId", g.id AS "GroupId", g.display_name AS "DisplayName"
                FROM group_members m JOIN groups g ON g.id = m.group_id
                WHERE m.member_id = ANY(@ids)
                ORDER BY g.display_name, g.id
                """,
                Ids(userIds))
            .ToListAsync(ct);
        return rows.ToLookup(r => r.MemberId);
    }

    /// <summary>The largest member count among <paramref name="groupIds"/>, read from the primary-key index.</summary>
    public static async Task<long> LargestGroupAsync(ScimDbContext db, IReadOnlyCollection<Guid> groupIds, CancellationToken ct) =>
        groupIds.Count == 0
            ? 0
            : await db.Database.SqlQueryRaw<long>(
                    """SELECT COALESCE(max(c), 0) AS "Value" FROM (SELECT count(*) AS c FROM group_members WHERE group_id = ANY(@ids) GROUP BY group_id) s""",
                    Ids(groupIds))
                .SingleAsync(ct);

    public static async Task<ILookup<Guid, MemberRef>> MembersAsync(ScimDbContext db, IReadOnlyCollection<Guid> groupIds, CancellationToken ct)
    {
        if (groupIds.Count == 0)
        {
            return Array.Empty<MemberRef>().ToLookup(m => m.GroupId);
        }
        var rows = await db.Database.SqlQueryRaw<MemberRef>(
                """
                SELECT m.group_id AS "GroupId", m.member_id AS "MemberId", m.member_type AS "MemberType",
                       COALESCE(u.display_name, u.user_name, g.display_name) AS "Display"
                FROM group_members m
                LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
                LEFT JOIN groups g ON m.member_type = 'Group' AND g.id = m.member_id
                WHERE m.group_id = ANY(@ids)
                ORDER BY m.group_id, m.added, m.member_id
                """,
                Ids(groupIds))
            .ToListAsync(ct);
        return rows.ToLookup(r => r.GroupId);
    }

    private static NpgsqlParameter Ids(IReadOnlyCollection<Guid> ids) =>
        new("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() };
}
