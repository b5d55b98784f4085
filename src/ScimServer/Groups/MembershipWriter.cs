using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Patching;

namespace ScimServer.Groups;

/// <summary>
/// Changes one group's members with set-based statements on <c>group_members</c>: the cost of adding or removing
/// k members depends on k, never on the size of the group, and the member list is never loaded.
/// </summary>
internal sealed class MembershipWriter(ScimDbContext db, Guid accountId, Guid groupId, UnknownMembers unknown = UnknownMembers.Reject)
{
    /// <summary>Takes a user or group out of every group it is in, moving each of those groups' versions.</summary>
    public static async Task LeaveAllGroupsAsync(ScimDbContext db, Guid memberId, CancellationToken ct)
    {
        // One statement: the rows go, and the groups they were in get a new version.
        await db.Database.ExecuteSqlAsync($"""
            WITH gone AS (DELETE FROM group_members WHERE member_id = {memberId} RETURNING group_id)
            UPDATE groups SET last_modified = now() WHERE id IN (SELECT group_id FROM gone)
            """, ct);
    }

    /// <summary>Whether any membership row was added or removed.</summary>
    public bool Changed { get; private set; }

    /// <summary>What was done to the members, for the audit log: each step with its ids (at most 100 listed) and rows touched.</summary>
    public JsonArray Log { get; } = [];

    public async Task<ScimError?> ApplyAsync(DeferredOperation operation, CancellationToken ct)
    {
        switch (operation.Kind)
        {
            case PatchOperationKind.Add:
                return await AddAsync(operation.Values, ct);
            case PatchOperationKind.Replace:
                await RemoveAllAsync(ct);
                return await AddAsync(operation.Values, ct);
            default:
                if (operation.Filter is not null)
                {
                    return await RemoveWhereAsync(operation, ct);
                }
                if (operation.Values is { Count: > 0 })
                {
                    var ids = ParseIds(operation.Values, out var invalid);
                    // Ids that are not UUIDs cannot be members, so removing them is already done.
                    _ = invalid;
                    Track(await db.Database.ExecuteSqlAsync(
                        $"DELETE FROM group_members WHERE group_id = {groupId} AND member_id = ANY({ids})", ct), "remove", ids);
                    return null;
                }
                await RemoveAllAsync(ct);
                return null;
        }
    }

    public async Task RemoveAllAsync(CancellationToken ct) =>
        Track(await db.Database.ExecuteSqlAsync($"DELETE FROM group_members WHERE group_id = {groupId}", ct), "removeAll");

    public async Task<ScimError?> AddAsync(JsonArray? values, CancellationToken ct)
    {
        if (values is null || values.Count == 0)
        {
            return null;
        }
        var ids = ParseIds(values, out var invalid);
        if (invalid.Count > 0 && unknown == UnknownMembers.Reject)
        {
            return ScimError.InvalidValue($"members value {Quote(invalid)} is not the id of a User or Group of this account.");
        }
        if (ids.Contains(groupId))
        {
            return ScimError.InvalidValue("A group cannot be a member of itself.");
        }
        // Only live users and groups of this account can be members; anything else reads as "not found" alike. One
        // statement finds them and inserts those not yet members; when the connection refuses unknown ids, the
        // refusal below rolls the insert back with the rest of the write's transaction.
        var found = await db.Database.SqlQuery<FoundMember>($"""
            WITH found AS (
                SELECT u.id, 'User' AS type FROM users u WHERE u.account_id = {accountId} AND u.deleted_at IS NULL AND u.id = ANY({ids})
                UNION ALL
                SELECT g.id, 'Group' FROM groups g WHERE g.account_id = {accountId} AND g.id = ANY({ids})),
            added AS (
                INSERT INTO group_members (group_id, member_id, member_type, account_id, added)
                SELECT {groupId}, f.id, f.type, {accountId}, now() FROM found f
                ON CONFLICT (group_id, member_id) DO NOTHING
                RETURNING member_id)
            SELECT f.id AS "Id", EXISTS (SELECT 1 FROM added a WHERE a.member_id = f.id) AS "Inserted" FROM found f
            """).ToListAsync(ct);
        var missing = ids.Except(found.Select(f => f.Id)).ToList();
        if (missing.Count > 0 && unknown == UnknownMembers.Reject)
        {
            return ScimError.InvalidValue($"members value {Quote(missing.Select(m => m.ToString()).ToList())} is not the id of a User or Group of this account.");
        }
        if (missing.Count + invalid.Count > 0)
        {
            // The connection skips what the account does not have (its compatibility setting); the audit entry lists them.
            Log.Add(new JsonObject { ["op"] = "skipUnknown", ["members"] = new JsonArray(missing.Select(m => (JsonNode)m.ToString()).Concat(invalid.Select(i => (JsonNode)i)).Take(100).ToArray()) });
            ids = found.Select(f => f.Id).Distinct().ToArray();
        }
        Track(found.Count(f => f.Inserted), "add", ids);
        return null;
    }

    /// <summary>A requested member the account has, and whether this write made it a member.</summary>
    private sealed class FoundMember
    {
        public Guid Id { get; set; }
        public bool Inserted { get; set; }
    }

    private async Task<ScimError?> RemoveWhereAsync(DeferredOperation operation, CancellationToken ct)
    {
        var parameters = new SqlParameters();
        var group = parameters.Add(groupId, NpgsqlDbType.Uuid);
        var source = GroupSqlMap.MemberRows("m", $"m.group_id = {group}");
        var predicate = new SqlFilterTranslator(GroupSqlMap.Instance, parameters).TranslateElements(operation.Bound!, source);
        if (!predicate.IsSuccess)
        {
            return predicate.Error with { ScimType = ScimType.InvalidPath };
        }
        var sql = $"DELETE FROM group_members m WHERE {source.Where} AND {predicate.Value}";
        Track(await db.Database.ExecuteSqlRawAsync(sql, parameters.ToArray(), ct), "removeWhere", filter: Protocol.Filtering.FilterPrinter.Print(operation.Filter!));
        return null;
    }

    private void Track(int rows, string step, Guid[]? ids = null, string? filter = null)
    {
        Changed |= rows > 0;
        var entry = new JsonObject { ["op"] = step, ["rows"] = rows };
        if (ids is not null)
        {
            entry["members"] = new JsonArray(ids.Take(100).Select(id => (JsonNode)id.ToString()).ToArray());
            entry["requested"] = ids.Length;
        }
        if (filter is not null)
        {
            entry["filter"] = filter;
        }
        Log.Add(entry);
    }

    private static Guid[] ParseIds(JsonArray values, out List<string> invalid)
    {
        invalid = [];
        var ids = new List<Guid>();
        foreach (var value in values)
        {
            var text = value is JsonObject o && o["value"]?.GetValueKind() == JsonValueKind.String ? o["value"]!.GetValue<string>() : null;
            if (text is not null && Guid.TryParse(text, out var id))
            {
                ids.Add(id);
            }
            else
            {
                invalid.Add(text ?? value?.ToJsonString() ?? "null");
            }
        }
        return ids.Distinct().ToArray();
    }

    private static string Quote(IReadOnlyList<string> values) =>
        string.Join(", ", values.Take(5).Select(v => $"'{v}'")) + (values.Count > 5 ? $" (and {values.Count - 5} more)" : "");
}
