using System.Text.Json.Nodes;
using ScimServer.Groups;
using ScimServer.Operators;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Scim;
using ScimServer.Search;

namespace ScimServer.Users;

/// <summary>
/// /Users (RFC 7644 §3.2–§3.6). Every read carries the caller's account, so another account's id is just "not
/// found"; one statement reads a user with its groups (shown, and part of its ETag), and every write goes through <see cref="UserWriter"/>.
/// </summary>
public sealed class ScimUsers(ScimDbContext db, PasswordHasher hasher, CursorCodec cursors) : IScimResource
{
    public ResourceTypeDefinition Type => CoreSchemas.UserResourceType;

    public async Task<Result<ListPage<JsonObject>>> QueryAsync(ScimCall call, SearchParameters parameters, CancellationToken ct)
    {
        var selection = AttributeSelection.Parse(Type, parameters.Attributes, parameters.ExcludedAttributes);
        // One statement for the page and its members' groups (and a count only when the page cannot tell the total).
        var page = await new ResourceQuery<UserRead>(db, cursors, "users", UserSqlMap.Instance, "r.deleted_at IS NULL", u => u.User.Id,
                UserReads.Columns, (sql, values, token) => UserReads.QueryAsync(db, sql, values, token), UserReads.GroupsColumn)
            .RunAsync(call.Caller.AccountId, parameters, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }
        var resources = page.Value.Items.Select(u => selection.Apply(UserResource.Render(u.User, u.Groups, call.BaseUrl))).ToList();
        return Result<ListPage<JsonObject>>.Ok(new ListPage<JsonObject>(page.Value.Total, resources, page.Value.NextCursor));
    }

    public async Task<Result<Shown>> FindAsync(ScimCall call, string id, CancellationToken ct)
    {
        var read = await UserReads.FindAsync(db, call.Caller.AccountId, id, ct);
        return read is null ? ScimQuery.NotFound(Type.Name, id) : Show(call, read.User, read.Groups);
    }

    public async Task<Result<Shown>> CreateAsync(ScimCall call, JsonObject document, CancellationToken ct)
    {
        var created = await Writer(call).CreateAsync(document, ct);
        if (!created.IsSuccess)
        {
            return created.Error;
        }
        var (user, restored) = created.Value;
        // A new user belongs to no group yet; a returning one left them all when deleted, unless an operator re-added it.
        var groups = restored ? (await MembershipReader.GroupsOfUsersAsync(db, [user.Id], ct))[user.Id].ToList() : [];
        return Show(call, user, groups);
    }

    public async Task<Result<Shown>> ReplaceAsync(ScimCall call, string id, JsonObject document, CancellationToken ct)
    {
        var read = await LoadAsync(call, id, ct);
        if (!read.IsSuccess)
        {
            return read.Error;
        }
        var user = read.Value.User;
        var replacement = (JsonObject)document.DeepClone();
        replacement["active"] ??= user.Active; // PUT without "active" does not flip the user's status.
        return await Writer(call).UpdateAsync(user, replacement, ct) ?? Show(call, user, read.Value.Groups);
    }

    public async Task<Result<Shown>> PatchAsync(ScimCall call, string id, PatchRequest request, CancellationToken ct)
    {
        var read = await LoadAsync(call, id, ct);
        if (!read.IsSuccess)
        {
            return read.Error;
        }
        var user = read.Value.User;
        var outcome = PatchApplier.Apply(JsonNode.Parse(user.Data)!.AsObject(), request, Type, options: call.Caller.PatchOptions);
        if (!outcome.IsSuccess)
        {
            return outcome.Error;
        }
        if (outcome.Value.DocumentChanged && await Writer(call).UpdateAsync(user, outcome.Value.Document, ct) is { } refused)
        {
            return refused;
        }
        // A user's groups are read-only on the user: the ones read with it are still the ones to show.
        return Show(call, user, read.Value.Groups);
    }

    public async Task<Result<Shown>> DeleteAsync(ScimCall call, string id, CancellationToken ct)
    {
        var read = await LoadAsync(call, id, ct);
        if (!read.IsSuccess)
        {
            return read.Error;
        }
        return await Writer(call).DeleteAsync(read.Value.User, ct) ?? (Result<Shown>)Shown.Nothing;
    }

    private UserWriter Writer(ScimCall call) =>
        new(db, call.Caller.Account, call.Caller.Audit, call.Caller.Connection.Id, call.Caller.Products, hasher);

    /// <summary>
    /// The user a write targets, with its groups, in one statement; tracked from here on, so
    /// the write updates what changed, guarded by the version read (a lost race is retried or, with If-Match, 412).
    /// </summary>
    private async Task<Result<UserRead>> LoadAsync(ScimCall call, string id, CancellationToken ct)
    {
        var target = call.Target(await UserReads.FindAsync(db, call.Caller.AccountId, id, ct), r => UserVersion.Of(r.User.Version, r.Groups), id);
        if (target.IsSuccess)
        {
            db.Users.Attach(target.Value.User);
        }
        return target;
    }

    private static Result<Shown> Show(ScimCall call, User user, IReadOnlyList<GroupRef> groups) =>
        new Shown(UserResource.Render(user, groups, call.BaseUrl), UserVersion.Of(user.Version, groups));
}
