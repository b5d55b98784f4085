using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Groups;

/// <summary>
/// Teams for operators: the account's SCIM Groups with their credit limit and terms. Members are changed one
/// at a time with the same set-based writer SCIM uses, and listed a page at a time, so a team of any size costs
/// the same to edit.
/// </summary>
public static class TeamEndpoints
{
    public static RouteGroupBuilder MapTeams(this RouteGroupBuilder account)
    {
        account.MapGet("/teams", ListTeams).WithName("ListTeams");
        account.MapPost("/teams", CreateTeam).WithName("CreateTeam");
        account.MapGet("/teams/{teamId:guid}", GetTeam).WithName("GetTeam");
        account.MapPatch("/teams/{teamId:guid}", UpdateTeam).WithName("UpdateTeam");
        account.MapDelete("/teams/{teamId:guid}", DeleteTeam).WithName("DeleteTeam");
        account.MapGet("/teams/{teamId:guid}/members", ListMembers).WithName("ListTeamMembers");
        account.MapPut("/teams/{teamId:guid}/members/{userId:guid}", AddMember).WithName("AddTeamMember");
        account.MapDelete("/teams/{teamId:guid}/members/{userId:guid}", RemoveMember).WithName("RemoveTeamMember");
        return account;
    }

    internal static async Task<IResult> ListTeams(Guid accountId, int? page, int? pageSize, ScimDbContext db, CancellationToken ct)
    {
        var paging = ApiPage.Of(page, pageSize);
        var teams = db.Groups.AsNoTracking().Where(g => g.AccountId == accountId);
        var total = await teams.CountAsync(ct);
        var items = await teams.OrderBy(g => g.DisplayName.ToLower()).Skip(paging.Skip).Take(paging.Size)
            .Select(g => new { g.Id, Name = g.DisplayName, g.CreditLimit, CreditTerms = g.CreditTerms.ToString(), Members = db.GroupMembers.Count(m => m.GroupId == g.Id) })
            .ToListAsync(ct);
        return Results.Ok(new { total, page = paging.Number, pageSize = paging.Size, teams = items });
    }

    internal static async Task<IResult> GetTeam(Guid accountId, Guid teamId, ScimDbContext db, CancellationToken ct)
    {
        var team = await Team(db.Groups.AsNoTracking(), accountId, teamId, ct);
        return team is null ? ApiProblem.NotFound($"Team '{teamId}'") : Results.Ok(await ViewAsync(db, team, ct));
    }

    internal static async Task<IResult> CreateTeam(Guid accountId, JsonObject body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        var result = await unit.RunAsync(async token =>
        {
            var doc = new JsonObject();
            if (Apply(doc, body, requireName: true) is { } invalid)
            {
                return invalid;
            }
            var created = await new GroupWriter(db, accountId, audit).CreateAsync(doc, token);
            return created.IsSuccess ? Result<object>.Ok(await ViewAsync(db, created.Value.Group, token)) : created.Error;
        }, ct, StatusCodes.Status201Created);
        return result.IsSuccess ? Results.Created($"/api/accounts/{accountId}/teams", result.Value) : ApiProblem.From(result.Error);
    }

    internal static async Task<IResult> UpdateTeam(Guid accountId, Guid teamId, JsonObject body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await UpdateAsync(accountId, teamId, body, db, unit, audit, ct));

    /// <summary>Renames a team or changes its credit limit (null removes it) and terms: the API's body, for the console too.</summary>
    public static Task<Result<object>> UpdateAsync(Guid accountId, Guid teamId, JsonObject body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            if (await Team(db.Groups, accountId, teamId, token) is not { } team)
            {
                return TeamNotFound(teamId);
            }
            var doc = JsonNode.Parse(team.Data)!.AsObject();
            if ((Apply(doc, body, requireName: false) ?? await new GroupWriter(db, accountId, audit).UpdateAsync(team, doc, token)) is { } invalid)
            {
                return invalid;
            }
            return Result<object>.Ok(await ViewAsync(db, team, token));
        }, ct);

    internal static async Task<IResult> DeleteTeam(Guid accountId, Guid teamId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        var result = await unit.RunAsync(async token =>
        {
            if (await Team(db.Groups, accountId, teamId, token) is not { } team)
            {
                return TeamNotFound(teamId);
            }
            await new GroupWriter(db, accountId, audit).DeleteAsync(team, token);
            return Result<bool>.Ok(true);
        }, ct);
        return result.IsSuccess ? Results.NoContent() : ApiProblem.From(result.Error);
    }

    internal static async Task<IResult> ListMembers(Guid accountId, Guid teamId, int? page, int? pageSize, ScimDbContext db, CancellationToken ct)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == teamId && g.AccountId == accountId, ct))
        {
            return ApiProblem.NotFound($"Team '{teamId}'");
        }
        var paging = ApiPage.Of(page, pageSize);
        var members = db.GroupMembers.AsNoTracking().Where(m => m.GroupId == teamId);
        var total = await members.CountAsync(ct);
        var users = await members.OrderBy(m => m.MemberId).Skip(paging.Skip).Take(paging.Size)
            .Join(db.Users, m => m.MemberId, u => u.Id, (m, u) => new { u.Id, u.UserName, u.DisplayName, u.Active })
            .ToListAsync(ct);
        return Results.Ok(new { total, page = paging.Number, pageSize = paging.Size, members = users });
    }

    internal static Task<IResult> AddMember(Guid accountId, Guid teamId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ChangeMemberAsync(accountId, teamId, userId, add: true, db, unit, audit, ct);

    internal static Task<IResult> RemoveMember(Guid accountId, Guid teamId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ChangeMemberAsync(accountId, teamId, userId, add: false, db, unit, audit, ct);

    private static async Task<IResult> ChangeMemberAsync(
        Guid accountId, Guid teamId, Guid userId, bool add, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token =>
        {
            if (await Team(db.Groups, accountId, teamId, token) is not { } team)
            {
                return TeamNotFound(teamId);
            }
            var member = new JsonArray(new JsonObject { ["value"] = userId.ToString() });
            var changed = await new GroupWriter(db, accountId, audit).ChangeMembersAsync(team, member, add, token);
            return changed.IsSuccess ? Result<object>.Ok(new { teamId, userId, member = add, changed = changed.Value }) : changed.Error;
        }, ct));

    private static Task<Group?> Team(IQueryable<Group> groups, Guid accountId, Guid teamId, CancellationToken ct) =>
        groups.FirstOrDefaultAsync(g => g.Id == teamId && g.AccountId == accountId, ct);

    private static ScimError TeamNotFound(Guid teamId) => ScimError.NotFound($"Team '{teamId}' does not exist in this account.");

    /// <summary>Copies name, creditLimit (null clears it) and creditTerms from an operator's body into the SCIM document.</summary>
    private static ScimError? Apply(JsonObject doc, JsonObject body, bool requireName)
    {
        if (body["name"] is { } name)
        {
            if (name.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetValue<string>()))
            {
                return ScimError.InvalidValue("name must be a non-empty string.");
            }
            doc["displayName"] = name.GetValue<string>().Trim();
        }
        else if (requireName)
        {
            return ScimError.InvalidValue("A team needs a name.");
        }
        var extension = doc[TeamExtension.Urn] as JsonObject ?? [];
        if (body.ContainsKey("creditLimit"))
        {
            var limit = body["creditLimit"];
            if (limit is not null && (limit.GetValueKind() != JsonValueKind.Number || !limit.AsValue().TryGetValue<long>(out _)))
            {
                return ScimError.InvalidValue("creditLimit must be a whole number, or null to remove the team limit.");
            }
            extension["creditLimit"] = limit?.DeepClone();
        }
        if (body["creditTerms"] is { } terms)
        {
            extension["creditTerms"] = terms.DeepClone();
        }
        if (extension.Count > 0)
        {
            doc[TeamExtension.Urn] = extension;
        }
        return null;
    }

    private static async Task<object> ViewAsync(ScimDbContext db, Group team, CancellationToken ct) => new
    {
        id = team.Id,
        name = team.DisplayName,
        creditLimit = team.CreditLimit,
        creditTerms = team.CreditTerms.ToString(),
        members = await db.GroupMembers.CountAsync(m => m.GroupId == team.Id, ct),
        created = team.Created,
        lastModified = team.LastModified,
    };
}
