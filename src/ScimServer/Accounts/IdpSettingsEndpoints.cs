using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>
/// How the account reads its IdPs: which IdP role values grant which role and product, and each SCIM
/// connection's compatibility settings. See docs/idp/.
/// </summary>
public static class IdpSettingsEndpoints
{
    public sealed record ConnectionBody(string? Name, UnknownMembers? UnknownGroupMembers, UnmatchedValueFilter? UnmatchedValueFilter);

    public static RouteGroupBuilder MapIdpSettings(this RouteGroupBuilder account)
    {
        account.MapGet("/idp-role-mappings", GetMappings).WithName("GetIdpRoleMappings");
        account.MapPut("/idp-role-mappings", PutMappings).WithName("PutIdpRoleMappings");
        account.MapPatch("/connections/{connectionId:guid}", UpdateConnection).WithName("UpdateConnection");
        return account;
    }

    internal static async Task<IResult> GetMappings(Guid accountId, ScimDbContext db, CancellationToken ct) =>
        Results.Ok(IdpRoleMapping.Parse(await db.Accounts.Where(a => a.Id == accountId).Select(a => a.IdpRoleMappings).SingleAsync(ct)));

    /// <summary>Replaces the mappings. They apply to each user the next time the IdP writes them.</summary>
    internal static async Task<IResult> PutMappings(Guid accountId, List<IdpRoleMapping> body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await ReplaceMappingsAsync(accountId, body, db, unit, audit, ct));

    public static Task<Result<IReadOnlyList<IdpRoleMapping>>> ReplaceMappingsAsync(
        Guid accountId, IReadOnlyList<IdpRoleMapping> body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == accountId, token);
            var codes = await db.Products.Where(p => p.AccountId == accountId).Select(p => p.Code).ToListAsync(token);
            foreach (var mapping in body)
            {
                if (string.IsNullOrWhiteSpace(mapping.IdpRole) || (mapping.Role is null && mapping.Product is null))
                {
                    return ScimError.InvalidValue("Each mapping needs an idpRole and a role, a product, or both.");
                }
                if (mapping.Product is { } code && !codes.Contains(code, StringComparer.OrdinalIgnoreCase))
                {
                    return ScimError.InvalidValue($"Product '{code}' is not one this account bought ({string.Join(", ", codes)}).");
                }
            }
            if (body.GroupBy(m => m.IdpRole.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                return ScimError.InvalidValue($"idpRole '{twice.Key}' is mapped twice.");
            }
            var before = account.IdpRoleMappings;
            account.IdpRoleMappings = IdpRoleMapping.Serialize(body.Select(m => m with { IdpRole = m.IdpRole.Trim() }));
            await db.SaveChangesAsync(token);
            audit.About("Account", accountId, null);
            audit.Record(AuditDiff.Of(("idpRoleMappings", System.Text.Json.Nodes.JsonNode.Parse(before), System.Text.Json.Nodes.JsonNode.Parse(account.IdpRoleMappings))));
            return Result<IReadOnlyList<IdpRoleMapping>>.Ok(IdpRoleMapping.Parse(account.IdpRoleMappings));
        }, ct);

    internal static async Task<IResult> UpdateConnection(Guid accountId, Guid connectionId, ConnectionBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await UpdateConnectionAsync(accountId, connectionId, body, db, unit, audit, ct));

    /// <summary>Renames a connection or changes how it reads its IdP's quirks (docs/idp/).</summary>
    public static Task<Result<object>> UpdateConnectionAsync(Guid accountId, Guid connectionId, ConnectionBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var connection = await db.ScimConnections.SingleOrDefaultAsync(c => c.Id == connectionId && c.AccountId == accountId, token);
            if (connection is null)
            {
                return ScimError.NotFound($"Connection '{connectionId}' does not exist in this account.");
            }
            var before = (connection.Name, connection.UnknownGroupMembers, connection.UnmatchedValueFilter);
            connection.Name = string.IsNullOrWhiteSpace(body.Name) ? connection.Name : body.Name.Trim();
            connection.UnknownGroupMembers = body.UnknownGroupMembers ?? connection.UnknownGroupMembers;
            connection.UnmatchedValueFilter = body.UnmatchedValueFilter ?? connection.UnmatchedValueFilter;
            await db.SaveChangesAsync(token);
            audit.About("ScimConnection", connection.Id, connection.Name);
            audit.Record(AuditDiff.Of(
                ("name", before.Name, connection.Name),
                ("unknownGroupMembers", before.UnknownGroupMembers, connection.UnknownGroupMembers),
                ("unmatchedValueFilter", before.UnmatchedValueFilter, connection.UnmatchedValueFilter)));
            return Result<object>.Ok(new
            {
                connection.Id, Idp = connection.Idp.ToString(), connection.Name,
                UnknownGroupMembers = connection.UnknownGroupMembers.ToString(), UnmatchedValueFilter = connection.UnmatchedValueFilter.ToString(),
            });
        }, ct);
}
