using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Persistence;

/// <summary>The columns every resource table has for the common attributes (id, externalId, meta).</summary>
internal static class CommonColumns
{
    public static SqlOperand? Column(ResolvedAttribute attribute, string resourceType)
    {
        if (attribute.IsExtension)
        {
            return null;
        }
        return (attribute.Attribute!.Name, attribute.SubAttribute?.Name) switch
        {
            ("id", null) => new SqlOperand("r.id", SqlKind.Uuid, true),
            ("externalId", null) => new SqlOperand("r.external_id", SqlKind.Text, true),
            ("meta", "created") => new SqlOperand("r.created", SqlKind.Timestamp, true),
            ("meta", "lastModified") => new SqlOperand("r.last_modified", SqlKind.Timestamp, true),
            // A typed constant, not a bare literal: PostgreSQL refuses a literal in ORDER BY ("non-integer constant").
            ("meta", "resourceType") => new SqlOperand(SqlFilterTranslator.Quote(resourceType) + "::text", SqlKind.Text, true),
            _ => null,
        };
    }

    public static string? Unsupported(ResolvedAttribute attribute) =>
        !attribute.IsExtension && attribute.Attribute is { Name: "meta" } && attribute.SubAttribute is { Name: "location" or "version" } sub
            ? $"'meta.{sub.Name}' cannot be used in a filter or sort; use id, meta.created or meta.lastModified."
            : !attribute.IsExtension && attribute.Attribute is { Name: "meta" } && attribute.SubAttribute is null
                ? "'meta' is complex; filter on meta.created, meta.lastModified or meta.resourceType."
                : attribute.Target is { Returned: Returned.Never } never
                    ? $"'{never.Name}' is never returned, so it cannot be used in a filter or sort."
                    : null;
}
