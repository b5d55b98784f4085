using ScimServer.Accounts;
using ScimServer.Audit;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Auth;
using ScimServer.Hosting;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Groups;

/// <summary>
/// /Groups (RFC 7644 §3.2–§3.6). Members are rows, changed set-based; a representation reads them only when it
/// shows them (never with <c>excludedAttributes=members</c>), and PATCH answers 204 unless attributes are asked for.
/// </summary>
public static class GroupsEndpoints
{
    private static readonly ResourceTypeDefinition Type = CoreSchemas.GroupResourceType;
    private static readonly HashSet<string> Deferred = ["members"];

    public static RouteGroupBuilder MapGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups").WithTags("Groups");
        groups.MapGet("/", ListGroups).WithName(nameof(ListGroups));
        groups.MapPost("/.search", SearchGroups).WithName(nameof(SearchGroups));
        groups.MapGet("/{id}", GetGroup).WithName(nameof(GetGroup));
        groups.MapPost("/", CreateGroup).WithName(nameof(CreateGroup));
        groups.MapPut("/{id}", ReplaceGroup).WithName(nameof(ReplaceGroup));
        groups.MapPatch("/{id}", PatchGroup).WithName(nameof(PatchGroup));
        groups.MapDelete("/{id}", DeleteGroup).WithName(nameof(DeleteGroup));
        return scim;
    }

    internal static Task<ScimResult> ListGroups(HttpContext context, ScimDbContext db, CancellationToken ct) =>
        ScimHandlers.ListAsync(context, p => QueryAsync(context, db, p, ct));

    internal static Task<ScimResult> SearchGroups(HttpContext context, ScimDbContext db, CancellationToken ct) =>
        ScimHandlers.SearchAsync(context, p => QueryAsync(context, db, p, ct));

    internal static async Task<Result<ListPage<JsonObject>>> QueryAsync(HttpContext context, ScimDbContext db, SearchParameters parameters, CancellationToken ct)
    {
        var page = await new ResourceQuery<Group>(db, "groups", GroupSqlMap.Instance, null).RunAsync(context.User.AccountId(), parameters, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }
        var selection = AttributeSelection.Parse(Type, parameters.Attributes, parameters.ExcludedAttributes);
        var members = await MembersIfWanted(context, db, selection, page.Value.Items.Select(g => g.Id).ToList(), ct);
        if (!members.IsSuccess)
        {
            return members.Error;
        }
        var baseUrl = ScimUrls.Base(context);
        var resources = page.Value.Items.Select(g => selection.Apply(GroupResource.Render(g, members.Value?[g.Id], baseUrl))).ToList();
        return Result<ListPage<JsonObject>>.Ok(new ListPage<JsonObject>(page.Value.Total, resources));
    }

    internal static async Task<ScimResult> GetGroup(string id, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        var group = await Find(db.Groups.AsNoTracking(), context, id, ct);
        if (group is null)
        {
            return ScimQuery.NotFound("Group", id);
        }
        if (Preconditions.NotModified(context.Request, group.Version))
        {
            return new ScimResult(304, null, ETag.FromVersion(group.Version));
        }
        return await Respond(context, db, group, 200, ct);
    }

    internal static async Task<ScimResult> CreateGroup(HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var document = await ScimHandlers.ReadResourceAsync(context, Type);
        if (!document.IsSuccess)
        {
            return document.Error;
        }
        var doc = document.Value;
        var members = TakeMembers(doc);
        var accountId = context.User.AccountId();
        return await unit.RunAsync(false, async token =>
        {
            var now = DateTimeOffset.UtcNow;
            var group = new Group { Id = Guid.CreateVersion7(), AccountId = accountId, DisplayName = "", Data = "{}", Created = now, LastModified = now };
            if (await GroupResource.StoreAsync(db, group, doc, token) is { } invalid)
            {
                return invalid;
            }
            db.Groups.Add(group);
            await db.SaveChangesAsync(token);
            var writer = new MembershipWriter(db, accountId, group.Id, ScimAccessFilter.Connection(context).UnknownGroupMembers);
            Audit(context, group, null, doc);
            var error = await writer.AddAsync(members, token);
            if (error is not null)
            {
                return error;
            }
            Record(context, null, doc, writer);
            return await Respond(context, db, group, 201, token);
        }, ct);
    }

    internal static async Task<ScimResult> ReplaceGroup(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var document = await ScimHandlers.ReadResourceAsync(context, Type);
        if (!document.IsSuccess)
        {
            return document.Error;
        }
        var doc = document.Value;
        var members = TakeMembers(doc);
        return await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var (group, refusal) = await ScimHandlers.LoadForWriteAsync(
                Locked(db, context, id, token), context.Request, e => e.Version, "Group", id);
            if (group is null)
            {
                return refusal!;
            }
            // PUT replaces everything, members included (RFC 7644 §3.5.1).
            var writer = new MembershipWriter(db, group.AccountId, group.Id, ScimAccessFilter.Connection(context).UnknownGroupMembers);
            var before = Audit(context, group, JsonNode.Parse(group.Data)!.AsObject(), doc);
            await writer.RemoveAllAsync(token);
            var error = await writer.AddAsync(members, token);
            if (error is not null)
            {
                return error;
            }
            if (await GroupResource.StoreAsync(db, group, doc, token) is { } invalid)
            {
                return invalid;
            }
            group.LastModified = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(token);
            Record(context, before, doc, writer);
            return await Respond(context, db, group, 200, token);
        }, ct);
    }

    internal static async Task<ScimResult> PatchGroup(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var request = await ScimHandlers.ReadPatchAsync(context);
        if (!request.IsSuccess)
        {
            return request.Error;
        }
        return await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var (group, refusal) = await ScimHandlers.LoadForWriteAsync(
                Locked(db, context, id, token), context.Request, e => e.Version, "Group", id);
            if (group is null)
            {
                return refusal!;
            }
            var before = JsonNode.Parse(group.Data)!.AsObject();
            var writer = new MembershipWriter(db, group.AccountId, group.Id, ScimAccessFilter.Connection(context).UnknownGroupMembers);
            Audit(context, group, before, null);
            var outcome = PatchApplier.Apply((JsonObject)before.DeepClone(), request.Value, Type, Deferred, ScimHandlers.PatchOptionsOf(context));
            if (!outcome.IsSuccess)
            {
                return outcome.Error;
            }
            foreach (var operation in outcome.Value.Deferred)
            {
                var error = await writer.ApplyAsync(operation, token);
                if (error is not null)
                {
                    return error;
                }
            }
            if (outcome.Value.DocumentChanged || writer.Changed)
            {
                if (await GroupResource.StoreAsync(db, group, outcome.Value.Document, token) is { } invalid)
                {
                    return invalid;
                }
                group.LastModified = DateTimeOffset.UtcNow; // One version change per request, whatever it touched.
                await db.SaveChangesAsync(token);
                Record(context, before, outcome.Value.Document, writer);
            }
            return ScimQuery.AsksForAttributes(context.Request)
                ? await Respond(context, db, group, 200, token)
                : ScimResult.NoContent(ETag.FromVersion(group.Version));
        }, ct);
    }

    internal static async Task<ScimResult> DeleteGroup(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct) =>
        await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var (group, refusal) = await ScimHandlers.LoadForWriteAsync(
                Locked(db, context, id, token), context.Request, e => e.Version, "Group", id);
            if (group is null)
            {
                return refusal!;
            }
            Audit(context, group, null, null);
            // Its own member rows go by cascade; where it was itself a member, the parents' versions move.
            await MembershipWriter.LeaveAllGroupsAsync(db, group.Id, token);
            Record(context, JsonNode.Parse(group.Data)!.AsObject(), null, null);
            db.Groups.Remove(group);
            await db.SaveChangesAsync(token);
            return ScimResult.NoContent();
        }, ct);


    /// <summary>Names the group the request is about (for its audit entry, even when refused); returns <paramref name="before"/>.</summary>
    private static JsonObject? Audit(HttpContext context, Group group, JsonObject? before, JsonObject? after)
    {
        var name = after?["displayName"]?.GetValue<string>() ?? before?["displayName"]?.GetValue<string>() ?? group.DisplayName;
        context.RequestServices.GetRequiredService<AuditTrail>().About("Group", group.Id, name);
        return before;
    }

    private static void Record(HttpContext context, JsonObject? before, JsonObject? after, MembershipWriter? writer)
    {
        var changes = AuditDiff.Between(before, after) ?? [];
        if (writer is { Log.Count: > 0 })
        {
            changes["members"] = writer.Log.DeepClone();
        }
        context.RequestServices.GetRequiredService<AuditTrail>().Record(changes);
    }

    private static JsonArray? TakeMembers(JsonObject doc)
    {
        var members = doc["members"] as JsonArray;
        doc.Remove("members");
        return members;
    }

    /// <summary>
    /// The group for a write, its row locked: concurrent writers of one group (IdPs push members in parallel)
    /// queue here instead of losing optimistic races and retrying.
    /// </summary>
    private static async Task<Group?> Locked(ScimDbContext db, HttpContext context, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return null;
        }
        var accountId = context.User.AccountId();
        return (await db.Groups.FromSql($"SELECT *, xmin FROM groups WHERE id = {guid} AND account_id = {accountId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
    }

    private static Task<Group?> Find(IQueryable<Group> groups, HttpContext context, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return Task.FromResult<Group?>(null);
        }
        var accountId = context.User.AccountId();
        return groups.FirstOrDefaultAsync(g => g.Id == guid && g.AccountId == accountId, ct);
    }

    private static async Task<Result<ILookup<Guid, MemberRef>?>> MembersIfWanted(
        HttpContext context, ScimDbContext db, AttributeSelection selection, IReadOnlyCollection<Guid> groupIds, CancellationToken ct)
    {
        if (!selection.Wants("members"))
        {
            return Result<ILookup<Guid, MemberRef>?>.Ok(null);
        }
        var limit = context.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.MaxMembersReturned;
        var largest = await MembershipReader.LargestGroupAsync(db, groupIds, ct);
        if (largest > limit)
        {
            return ScimError.BadRequest(ScimType.TooMany,
                $"A group here has {largest} members, more than the {limit} one response carries. Request it with " +
                "excludedAttributes=members and read membership with GET /Users?filter=groups.value eq \"<group id>\".");
        }
        return Result<ILookup<Guid, MemberRef>?>.Ok(await MembershipReader.MembersAsync(db, groupIds, ct));
    }

    private static async Task<ScimResult> Respond(HttpContext context, ScimDbContext db, Group group, int status, CancellationToken ct)
    {
        var selection = ScimQuery.Selection(context.Request, Type);
        var members = await MembersIfWanted(context, db, selection, [group.Id], ct);
        if (!members.IsSuccess)
        {
            return members.Error;
        }
        var baseUrl = ScimUrls.Base(context);
        var resource = selection.Apply(GroupResource.Render(group, members.Value?[group.Id], baseUrl));
        return new ScimResult(status, resource, ETag.FromVersion(group.Version), status == 201 ? $"{baseUrl}/Groups/{group.Id}" : null);
    }
}
