using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Scim;
using ScimServer.Search;

namespace ScimServer.Groups;

/// <summary>
/// /Groups (RFC 7644 §3.2–§3.6). Members are rows, changed set-based by <see cref="GroupWriter"/>; a representation
/// reads them only when it shows them (never with <c>excludedAttributes=members</c>), and PATCH answers 204 unless
/// attributes are asked for.
/// </summary>
public sealed class ScimGroups(ScimDbContext db, IOptions<ScimOptions> options, CursorCodec cursors) : IScimResource
{
    public ResourceTypeDefinition Type => CoreSchemas.GroupResourceType;

    public async Task<Result<ListPage<JsonObject>>> QueryAsync(ScimCall call, SearchParameters parameters, CancellationToken ct)
    {
        var page = await new ResourceQuery<Group>(db, cursors, "groups", GroupSqlMap.Instance, null, g => g.Id).RunAsync(call.Caller.AccountId, parameters, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }
        var selection = AttributeSelection.Parse(Type, parameters.Attributes, parameters.ExcludedAttributes);
        var members = await MembersIfWanted(selection, page.Value.Items.Select(g => g.Id).ToList(), ct);
        if (!members.IsSuccess)
        {
            return members.Error;
        }
        var resources = page.Value.Items.Select(g => selection.Apply(GroupResource.Render(g, members.Value?[g.Id], call.BaseUrl))).ToList();
        return Result<ListPage<JsonObject>>.Ok(new ListPage<JsonObject>(page.Value.Total, resources, page.Value.NextCursor));
    }

    public async Task<Result<Shown>> FindAsync(ScimCall call, string id, CancellationToken ct)
    {
        var group = Guid.TryParse(id, out var guid)
            ? await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == guid && g.AccountId == call.Caller.AccountId, ct)
            : null;
        return group is null ? ScimQuery.NotFound(Type.Name, id) : await ShowAsync(call, group, ct);
    }

    public async Task<Result<Shown>> CreateAsync(ScimCall call, JsonObject document, CancellationToken ct)
    {
        var created = await Writer(call).CreateAsync(document, ct);
        if (!created.IsSuccess)
        {
            return created.Error;
        }
        // A group created without members has none to read.
        return await ShowAsync(call, created.Value.Group, ct, created.Value.HasMembers);
    }

    public async Task<Result<Shown>> ReplaceAsync(ScimCall call, string id, JsonObject document, CancellationToken ct)
    {
        var writer = Writer(call);
        var group = call.Target(await writer.LockAsync(id, ct), g => ETag.FromVersion(g.Version), id);
        if (!group.IsSuccess)
        {
            return group.Error;
        }
        return await writer.ReplaceAsync(group.Value, document, ct) ?? await ShowAsync(call, group.Value, ct);
    }

    public async Task<Result<Shown>> PatchAsync(ScimCall call, string id, PatchRequest request, CancellationToken ct)
    {
        var writer = Writer(call);
        var group = call.Target(await writer.LockAsync(id, ct), g => ETag.FromVersion(g.Version), id);
        if (!group.IsSuccess)
        {
            return group.Error;
        }
        if (await writer.PatchAsync(group.Value, request, call.Caller.PatchOptions, ct) is { } refused)
        {
            return refused;
        }
        return call.AsksForAttributes ? await ShowAsync(call, group.Value, ct) : new Shown(null, ETag.FromVersion(group.Value.Version));
    }

    public async Task<Result<Shown>> DeleteAsync(ScimCall call, string id, CancellationToken ct)
    {
        var writer = Writer(call);
        var group = call.Target(await writer.LockAsync(id, ct), g => ETag.FromVersion(g.Version), id);
        if (!group.IsSuccess)
        {
            return group.Error;
        }
        await writer.DeleteAsync(group.Value, ct);
        return Shown.Nothing;
    }

    private GroupWriter Writer(ScimCall call) => new(db, call.Caller.AccountId, call.Caller.Audit, call.Caller.Connection.UnknownGroupMembers);

    private async Task<Result<Shown>> ShowAsync(ScimCall call, Group group, CancellationToken ct, bool mayHaveMembers = true)
    {
        var members = mayHaveMembers ? await MembersIfWanted(call.Selection, [group.Id], ct) : Result<ILookup<Guid, MemberRef>?>.Ok(null);
        if (!members.IsSuccess)
        {
            return members.Error;
        }
        return new Shown(GroupResource.Render(group, members.Value?[group.Id], call.BaseUrl), ETag.FromVersion(group.Version));
    }

    private async Task<Result<ILookup<Guid, MemberRef>?>> MembersIfWanted(AttributeSelection selection, IReadOnlyCollection<Guid> groupIds, CancellationToken ct)
    {
        if (!selection.Wants("members"))
        {
            return Result<ILookup<Guid, MemberRef>?>.Ok(null);
        }
        var limit = options.Value.MaxMembersReturned;
        var largest = await MembershipReader.LargestGroupAsync(db, groupIds, ct);
        if (largest > limit)
        {
            return ScimError.BadRequest(ScimType.TooMany,
                $"A group here has {largest} members, more than the {limit} one response carries. Request it with " +
                "excludedAttributes=members and read membership with GET /Users?filter=groups.value eq \"<group id>\".");
        }
        return Result<ILookup<Guid, MemberRef>?>.Ok(await MembershipReader.MembersAsync(db, groupIds, ct));
    }
}
