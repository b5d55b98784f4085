using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Auth;
using ScimServer.Credits;
using ScimServer.Groups;
using ScimServer.Hosting;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Users;

/// <summary>/Users (RFC 7644 §3.2–§3.6). Every query carries the token's account, so another account's id is just "not found".</summary>
public static class UsersEndpoints
{
    private static readonly ResourceTypeDefinition Type = CoreSchemas.UserResourceType;

    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users").WithTags("Users");
        users.MapGet("/", ListUsers).WithName(nameof(ListUsers));
        users.MapPost("/.search", SearchUsers).WithName(nameof(SearchUsers));
        users.MapGet("/{id}", GetUser).WithName(nameof(GetUser));
        users.MapPost("/", CreateUser).WithName(nameof(CreateUser));
        users.MapPut("/{id}", ReplaceUser).WithName(nameof(ReplaceUser));
        users.MapPatch("/{id}", PatchUser).WithName(nameof(PatchUser));
        users.MapDelete("/{id}", DeleteUser).WithName(nameof(DeleteUser));
        return scim;
    }

    internal static Task<ScimResult> ListUsers(HttpContext context, ScimDbContext db, CancellationToken ct) =>
        ScimHandlers.ListAsync(context, p => QueryAsync(context, db, p, ct));

    internal static Task<ScimResult> SearchUsers(HttpContext context, ScimDbContext db, CancellationToken ct) =>
        ScimHandlers.SearchAsync(context, p => QueryAsync(context, db, p, ct));

    internal static async Task<Result<ListPage<JsonObject>>> QueryAsync(HttpContext context, ScimDbContext db, SearchParameters parameters, CancellationToken ct)
    {
        var selection = AttributeSelection.Parse(Type, parameters.Attributes, parameters.ExcludedAttributes);
        // One statement for the page and its members' groups (and a count only when the page cannot tell the total).
        var page = await new ResourceQuery<UserRead>(db, "users", UserSqlMap.Instance, "r.deleted_at IS NULL",
                UserReads.Columns, (sql, values, token) => UserReads.QueryAsync(db, sql, values, token), UserReads.GroupsColumn(selection.Wants("groups")))
            .RunAsync(context.User.AccountId(), parameters, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }
        var baseUrl = ScimUrls.Base(context);
        var resources = page.Value.Items.Select(u => selection.Apply(UserResource.Render(u.User, u.Groups, baseUrl))).ToList();
        return Result<ListPage<JsonObject>>.Ok(new ListPage<JsonObject>(page.Value.Total, resources));
    }

    internal static async Task<ScimResult> GetUser(string id, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        var selection = ScimQuery.Selection(context.Request, Type);
        var read = await UserReads.FindAsync(db, context.User.AccountId(), id, selection.Wants("groups"), ct);
        if (read is null)
        {
            return ScimQuery.NotFound("User", id);
        }
        if (Preconditions.NotModified(context.Request, read.User.Version))
        {
            return new ScimResult(304, null, Protocol.Messages.ETag.FromVersion(read.User.Version));
        }
        return Respond(context, selection, read.User, read.Groups, 200);
    }

    internal static async Task<ScimResult> CreateUser(HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var document = await ScimHandlers.ReadResourceAsync(context, Type);
        if (!document.IsSuccess)
        {
            return document.Error;
        }
        var doc = document.Value;
        var passwordHash = HashPassword(doc);
        doc["active"] ??= true; // A user created without "active" is active.
        var accountId = context.User.AccountId();
        var userName = doc["userName"]!.GetValue<string>();
        return await unit.RunAsync(false, async token =>
        {
            var existing = await db.Users.FirstOrDefaultAsync(u => u.AccountId == accountId && u.UserName.ToLower() == userName.ToLower(), token);
            if (existing is { DeletedAt: null })
            {
                // The refusal is about that user: "what did the IdP do to this user" finds it, and erasure reaches it.
                context.RequestServices.GetRequiredService<AuditTrail>().About("User", existing.Id, existing.UserName);
                return ScimError.Uniqueness($"A user with userName '{existing.UserName}' already exists (id {existing.Id})." +
                    (existing.Active ? "" : " It is inactive: reactivate it (PATCH active true) instead of creating it again."));
            }
            var now = DateTimeOffset.UtcNow;
            // A deleted user with the same userName is the same person coming back: restore the record, keep its history.
            var user = existing ?? new User { Id = Guid.CreateVersion7(), AccountId = accountId, UserName = userName, Data = "{}", Created = now };
            if (existing is null)
            {
                db.Users.Add(user);
            }
            var refused = await StoreAsync(context, db, user, existing is null ? null : UserState.Of(existing), doc, deleted: false, passwordHash is not null, token);
            if (refused is not null)
            {
                return refused;
            }
            user.DeletedAt = null;
            user.LastModified = now;
            user.PasswordHash = passwordHash;
            await db.SaveChangesAsync(token);
            // A new user belongs to no group yet; a returning one left them all when deleted, unless an operator re-added it.
            var selection = ScimQuery.Selection(context.Request, Type);
            var groups = existing is not null && selection.Wants("groups") ? (await MembershipReader.GroupsOfUsersAsync(db, [user.Id], token))[user.Id] : null;
            return Respond(context, selection, user, groups, 201);
        }, ct);
    }

    internal static async Task<ScimResult> ReplaceUser(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var document = await ScimHandlers.ReadResourceAsync(context, Type);
        if (!document.IsSuccess)
        {
            return document.Error;
        }
        var doc = document.Value;
        var passwordHash = HashPassword(doc);
        return await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var selection = ScimQuery.Selection(context.Request, Type);
            var (read, refusal) = await LoadAsync(context, db, id, selection.Wants("groups"), token);
            if (read is null)
            {
                return refusal!;
            }
            var user = read.User;
            var replacement = (JsonObject)doc.DeepClone();
            replacement["active"] ??= user.Active; // PUT without "active" does not flip the user's status.
            return await UpdateAsync(context, db, user, replacement, passwordHash, token) ?? Respond(context, selection, user, read.Groups, 200);
        }, ct);
    }

    internal static async Task<ScimResult> PatchUser(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct)
    {
        var request = await ScimHandlers.ReadPatchAsync(context);
        if (!request.IsSuccess)
        {
            return request.Error;
        }
        return await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var selection = ScimQuery.Selection(context.Request, Type);
            var (read, refusal) = await LoadAsync(context, db, id, selection.Wants("groups"), token);
            if (read is null)
            {
                return refusal!;
            }
            var user = read.User;
            var outcome = PatchApplier.Apply(JsonNode.Parse(user.Data)!.AsObject(), request.Value, Type, options: ScimHandlers.PatchOptionsOf(context));
            if (!outcome.IsSuccess)
            {
                return outcome.Error;
            }
            if (outcome.Value.DocumentChanged)
            {
                var doc = outcome.Value.Document;
                // A patched password is only known here; rare enough to hash inside the transaction.
                var refused = await UpdateAsync(context, db, user, doc, HashPassword(doc), token);
                if (refused is not null)
                {
                    return refused;
                }
            }
            // A user's groups are read-only on the user: the ones read with it are still the ones to show.
            return Respond(context, selection, user, read.Groups, 200);
        }, ct);
    }

    internal static async Task<ScimResult> DeleteUser(string id, HttpContext context, ScimDbContext db, WriteUnit unit, CancellationToken ct) =>
        await unit.RunAsync(Preconditions.HasIfMatch(context.Request), async token =>
        {
            var (read, refusal) = await LoadAsync(context, db, id, withGroups: false, token);
            if (read is null)
            {
                return refusal!;
            }
            var user = read.User;
            var doc = JsonNode.Parse(user.Data)!.AsObject();
            doc["active"] = false;
            var refused = await StoreAsync(context, db, user, UserState.Of(user), doc, deleted: true, passwordChanged: false, token);
            if (refused is not null)
            {
                return refused;
            }
            // The record stays (deprovisioned, out of every SCIM read); memberships go, and each group's version moves.
            await MembershipWriter.LeaveAllGroupsAsync(db, user.Id, token);
            user.DeletedAt = DateTimeOffset.UtcNow;
            user.LastModified = user.DeletedAt.Value;
            await db.SaveChangesAsync(token);
            return ScimResult.NoContent();
        }, ct);


    private static Task<ScimError?> StoreAsync(
        HttpContext context, ScimDbContext db, User user, UserState? before, JsonObject doc, bool deleted, bool passwordChanged, CancellationToken ct) =>
        new UserWriter(db, ScimAccessFilter.Account(context), context.RequestServices.GetRequiredService<AuditTrail>(), context.User.ConnectionId(),
                ScimAccessFilter.Products(context))
            .StoreAsync(user, before, doc, deleted, passwordChanged, ct);

    /// <summary>Stores a changed document of an existing user (PUT, PATCH) after the account rules allow it.</summary>
    private static async Task<ScimError?> UpdateAsync(HttpContext context, ScimDbContext db, User user, JsonObject doc, string? passwordHash, CancellationToken ct)
    {
        var refused = await StoreAsync(context, db, user, UserState.Of(user), doc, deleted: false, passwordHash is not null, ct);
        if (refused is not null)
        {
            return refused;
        }
        user.PasswordHash = passwordHash ?? user.PasswordHash;
        user.LastModified = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Takes the write-only password out of the document and returns its slow hash (null when none was sent).</summary>
    private static string? HashPassword(JsonObject doc)
    {
        var password = doc["password"]?.GetValue<string>();
        doc.Remove("password");
        return password is null ? null : PasswordHasher.Hash(password, 210_000);
    }

    /// <summary>
    /// The user a write targets, with the groups its response shows, in one statement; tracked from here on, so
    /// the write updates what changed, guarded by the version read (a lost race is retried or, with If-Match, 412).
    /// </summary>
    private static async Task<(UserRead? Read, ScimResult? Refusal)> LoadAsync(
        HttpContext context, ScimDbContext db, string id, bool withGroups, CancellationToken ct)
    {
        var (read, refusal) = await ScimHandlers.LoadForWriteAsync(
            UserReads.FindAsync(db, context.User.AccountId(), id, withGroups, ct), context.Request, r => r.User.Version, "User", id);
        if (read is not null)
        {
            db.Users.Attach(read.User);
        }
        return (read, refusal);
    }

    private static ScimResult Respond(HttpContext context, AttributeSelection selection, User user, IEnumerable<GroupRef>? groups, int status)
    {
        var baseUrl = ScimUrls.Base(context);
        var resource = selection.Apply(UserResource.Render(user, groups, baseUrl));
        var etag = Protocol.Messages.ETag.FromVersion(user.Version);
        return new ScimResult(status, resource, etag, status == 201 ? $"{baseUrl}/Users/{user.Id}" : null);
    }
}
