namespace ScimServer.Protocol.Schemas;

/// <summary>A resource type (RFC 7643 §6): its endpoint, core schema and schema extensions.</summary>
public sealed record ResourceTypeDefinition(
    string Name,
    string Endpoint,
    string Description,
    SchemaDefinition Schema,
    IReadOnlyList<SchemaExtension> Extensions)
{
    public SchemaDefinition? FindExtension(string urn) =>
        Extensions.FirstOrDefault(e => string.Equals(e.Schema.Id, urn, StringComparison.OrdinalIgnoreCase))?.Schema;

    public IEnumerable<SchemaDefinition> AllSchemas => Extensions.Select(e => e.Schema).Prepend(Schema);
}
