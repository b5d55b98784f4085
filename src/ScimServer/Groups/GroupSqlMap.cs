using ScimServer.Persistence;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Groups;

/// <summary>The typed columns of <c>groups</c> and the <c>group_members</c> rows behind "members".</summary>
internal sealed class GroupSqlMap : IResourceSqlMap
{
    public static readonly GroupSqlMap Instance = new();

    public ResourceTypeDefinition Type => CoreSchemas.GroupResourceType;

    public static readonly AttributeDefinition Members = CoreSchemas.Group.FindAttribute("members")!;

    public SqlOperand? Column(ResolvedAttribute attribute)
    {
        if (CommonColumns.Column(attribute, "Group") is { } common)
        {
            return common;
        }
        return !attribute.IsExtension && attribute.SubAttribute is null && attribute.Attribute!.Name == "displayName"
            ? new SqlOperand("r.display_name", SqlKind.Text, false)
            : null;
    }

    public SqlElementSource? Elements(ResolvedAttribute attribute, string alias) =>
        !attribute.IsExtension && attribute.Attribute?.Name == "members" ? MemberRows(alias, $"{alias}.group_id = r.id") : null;

    /// <summary>Membership rows of a group as a filterable source (also used to delete members by filter).</summary>
    public static SqlElementSource MemberRows(string alias, string where) => new(
        $"group_members {alias}",
        where,
        sub => sub.Name switch
        {
            "value" => new SqlOperand($"{alias}.member_id", SqlKind.Uuid, true),
            "type" => new SqlOperand($"{alias}.member_type", SqlKind.Text, false),
            "display" => new SqlOperand(
                $"COALESCE((SELECT COALESCE(mu.display_name, mu.user_name) FROM users mu WHERE mu.id = {alias}.member_id), " +
                $"(SELECT mg.display_name FROM groups mg WHERE mg.id = {alias}.member_id))", SqlKind.Text, false),
            _ => null,
        });

    public string? FastPredicate(ResolvedAttribute attribute, ComparisonOperator op, TypedLiteral? literal, SqlParameters parameters) => null;

    public string? Unsupported(ResolvedAttribute attribute) => CommonColumns.Unsupported(attribute);
}
