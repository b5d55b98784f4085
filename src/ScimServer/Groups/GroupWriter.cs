using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Groups;

/// <summary>
/// The one place a SCIM group is written: its document and columns (<see cref="GroupResource"/>), its members
/// (set-based, <see cref="MembershipWriter"/>), its timestamps and the audit entry, saved in the caller's unit of work.
/// </summary>
/// <param name="unknown">What the IdP connection wants done with member ids that are not the account's (operators: refused).</param>
internal sealed class GroupWriter(ScimDbContext db, Guid accountId, AuditTrail audit, UnknownMembers unknown = UnknownMembers.Reject)
{
    /// <summary>Members are applied after the document (they are rows, not part of it).</summary>
    private static readonly HashSet<string> Deferred = ["members"];

    /// <summary>
    /// The group for a write, its row locked: concurrent writers of one group (IdPs push members in parallel)
    /// queue here instead of losing optimistic races and retrying.
    /// </summary>
    public async Task<Group?> LockAsync(string id, CancellationToken ct) =>
        Guid.TryParse(id, out var guid)
            ? (await db.Groups.FromSql($"SELECT *, xmin FROM groups WHERE id = {guid} AND account_id = {accountId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault()
            : null;

    /// <summary>A new group with the document's members; <c>HasMembers</c> says whether it got any.</summary>
    /// <param name="sideEffect">
    /// The action of its audit entry when the group is not what the request is about (a team a CSV import creates):
    /// the entry is then one more of the request's, and the request keeps its own subject.
    /// </param>
    public async Task<Result<(Group Group, bool HasMembers)>> CreateAsync(JsonObject document, CancellationToken ct, string? sideEffect = null)
    {
        var doc = (JsonObject)document.DeepClone();
        var members = TakeMembers(doc);
        var now = DateTimeOffset.UtcNow;
        var group = new Group { Id = Guid.CreateVersion7(), AccountId = accountId, DisplayName = "", Data = "{}", Created = now, LastModified = now };
        if (await GroupResource.StoreAsync(db, group, doc, ct) is { } invalid)
        {
            return invalid;
        }
        db.Groups.Add(group);
        await db.SaveChangesAsync(ct);
        var writer = Members(group);
        if (sideEffect is null)
        {
            About(group, null, doc);
        }
        if (await writer.AddAsync(members, ct) is { } error)
        {
            return error;
        }
        if (sideEffect is null)
        {
            Record(null, doc, writer);
        }
        else
        {
            audit.RecordOf("Group", group.Id, group.DisplayName, Changes(null, doc, writer), sideEffect);
        }
        return Result<(Group, bool)>.Ok((group, writer.Changed));
    }

    /// <summary>PUT replaces everything, members included (RFC 7644 §3.5.1).</summary>
    public async Task<ScimError?> ReplaceAsync(Group group, JsonObject document, CancellationToken ct)
    {
        var doc = (JsonObject)document.DeepClone();
        var members = TakeMembers(doc);
        var writer = Members(group);
        var before = JsonNode.Parse(group.Data)!.AsObject();
        About(group, before, doc);
        await writer.RemoveAllAsync(ct);
        if (await writer.AddAsync(members, ct) is { } error)
        {
            return error;
        }
        return await SaveAsync(group, before, doc, writer, ct);
    }

    /// <summary>A changed document of the group (an operator's team edit); its members stay as they are.</summary>
    public async Task<ScimError?> UpdateAsync(Group group, JsonObject document, CancellationToken ct)
    {
        var before = JsonNode.Parse(group.Data)!.AsObject();
        About(group, before, document);
        return await SaveAsync(group, before, document, null, ct);
    }

    /// <summary>Adds or removes the given members (an operator's team change); the entry lists what was done, changed or not.</summary>
    public async Task<Result<bool>> ChangeMembersAsync(Group group, JsonArray members, bool add, CancellationToken ct)
    {
        About(group, null, null);
        var writer = Members(group);
        var error = add
            ? await writer.AddAsync(members, ct)
            : await writer.ApplyAsync(new DeferredOperation(PatchOperationKind.Remove, "members", null, members), ct);
        if (error is not null)
        {
            return error;
        }
        if (writer.Changed)
        {
            group.LastModified = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
        }
        audit.Record(new JsonObject { ["members"] = writer.Log.DeepClone() });
        return Result<bool>.Ok(writer.Changed);
    }

    /// <summary>Applies a PatchOp: the document in memory, members as statements; one version change whatever it touched.</summary>
    public async Task<ScimError?> PatchAsync(Group group, PatchRequest request, PatchOptions options, CancellationToken ct)
    {
        var before = JsonNode.Parse(group.Data)!.AsObject();
        var writer = Members(group);
        About(group, before, null);
        var outcome = PatchApplier.Apply((JsonObject)before.DeepClone(), request, CoreSchemas.GroupResourceType, Deferred, options);
        if (!outcome.IsSuccess)
        {
            return outcome.Error;
        }
        foreach (var operation in outcome.Value.Deferred)
        {
            if (await writer.ApplyAsync(operation, ct) is { } error)
            {
                return error;
            }
        }
        if (!outcome.Value.DocumentChanged && !writer.Changed)
        {
            return null;
        }
        return await SaveAsync(group, before, outcome.Value.Document, writer, ct);
    }

    public async Task DeleteAsync(Group group, CancellationToken ct)
    {
        About(group, null, null);
        // Its own member rows go by cascade; where it was itself a member, the parents' versions move.
        await MembershipWriter.LeaveAllGroupsAsync(db, group.Id, ct);
        Record(JsonNode.Parse(group.Data)!.AsObject(), null, null);
        db.Groups.Remove(group);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Stores the changed document, moves the version once, saves, and records what changed.</summary>
    private async Task<ScimError?> SaveAsync(Group group, JsonObject before, JsonObject after, MembershipWriter? writer, CancellationToken ct)
    {
        if (await GroupResource.StoreAsync(db, group, after, ct) is { } invalid)
        {
            return invalid;
        }
        group.LastModified = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        Record(before, after, writer);
        return null;
    }

    private MembershipWriter Members(Group group) => new(db, group.AccountId, group.Id, unknown);

    /// <summary>Names the group the request is about, for its audit entry even when it is refused.</summary>
    private void About(Group group, JsonObject? before, JsonObject? after) =>
        audit.About("Group", group.Id, after?["displayName"]?.GetValue<string>() ?? before?["displayName"]?.GetValue<string>() ?? group.DisplayName);

    private void Record(JsonObject? before, JsonObject? after, MembershipWriter? writer) => audit.Record(Changes(before, after, writer));

    private static JsonObject Changes(JsonObject? before, JsonObject? after, MembershipWriter? writer)
    {
        var changes = AuditDiff.Between(before, after) ?? [];
        if (writer is { Log.Count: > 0 })
        {
            changes["members"] = writer.Log.DeepClone();
        }
        return changes;
    }

    private static JsonArray? TakeMembers(JsonObject doc)
    {
        var members = doc["members"] as JsonArray;
        doc.Remove("members");
        return members;
    }
}
