using NpgsqlTypes;
using ScimServer.Persistence;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Users;

/// <summary>The typed, indexed columns of <c>users</c> and the membership join behind a User's "groups".</summary>
internal sealed class UserSqlMap : IResourceSqlMap
{
    public static readonly UserSqlMap Instance = new();

    public ResourceTypeDefinition Type => CoreSchemas.UserResourceType;

    public SqlOperand? Column(ResolvedAttribute attribute)
    {
        if (CommonColumns.Column(attribute, "User") is { } common)
        {
            return common;
        }
        if (attribute.SubAttribute is not null)
        {
            return null;
        }
        if (attribute.IsExtension)
        {
            return attribute.Schema.Id == AccountExtension.Urn ? AccountColumn(attribute.Attribute!.Name) : null;
        }
        return attribute.Attribute!.Name switch
        {
            "userName" => new SqlOperand("r.user_name", SqlKind.Text, false),
            "displayName" => new SqlOperand("r.display_name", SqlKind.Text, false),
            "active" => new SqlOperand("r.active", SqlKind.Boolean, true),
            _ => null,
        };
    }

    /// <summary>
    /// The account extension's attributes are columns the server keeps (the document holds what the IdP sent, not
    /// the role a mapping gave or the last sign-in), so filters and sorts read the columns, indexed for the console's sorts.
    /// </summary>
    private static SqlOperand? AccountColumn(string name) => name switch
    {
        "role" => new SqlOperand("r.role", SqlKind.Text, false),
        "product" => new SqlOperand("(SELECT p.code FROM products p WHERE p.id = r.product_id)", SqlKind.Text, false),
        "creditLimit" => new SqlOperand("r.credit_limit", SqlKind.Numeric, true),
        "creditsUsed" => new SqlOperand("r.credits_used", SqlKind.Numeric, true),
        "lastLogin" => new SqlOperand("r.last_login", SqlKind.Timestamp, true),
        "status" => new SqlOperand("(CASE WHEN NOT r.active THEN 'deactivated' WHEN r.last_login IS NULL THEN 'invited' ELSE 'active' END)", SqlKind.Text, false),
        _ => null,
    };

    public SqlElementSource? Elements(ResolvedAttribute attribute, string alias)
    {
        if (attribute.IsExtension || attribute.Attribute?.Name != "groups")
        {
            return null;
        }
        return new SqlElementSource(
            $"group_members {alias} JOIN groups {alias}g ON {alias}g.id = {alias}.group_id",
            $"{alias}.member_id = r.id",
            sub => sub.Name switch
            {
                "value" => new SqlOperand($"{alias}.group_id", SqlKind.Uuid, true),
                "display" => new SqlOperand($"{alias}g.display_name", SqlKind.Text, false),
                "type" => new SqlOperand("'direct'", SqlKind.Text, false),
                _ => null,
            });
    }

    // emails.value eq "x" (what IdPs send to match by email) uses the GIN index on the lower-cased array.
    public string? FastPredicate(ResolvedAttribute attribute, ComparisonOperator op, TypedLiteral? literal, SqlParameters parameters)
    {
        if (!attribute.IsExtension && attribute.Attribute?.Name == "emails" && attribute.SubAttribute is null or { Name: "value" } &&
            op == ComparisonOperator.Equal && literal?.Value is string email)
        {
            return $"(r.email_values @> ARRAY[{parameters.Add(email.ToLowerInvariant(), NpgsqlDbType.Text)}])";
        }
        return null;
    }

    public string? Unsupported(ResolvedAttribute attribute) => CommonColumns.Unsupported(attribute);
}
