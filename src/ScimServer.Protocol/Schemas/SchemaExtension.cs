namespace ScimServer.Protocol.Schemas;

/// <summary>A schema extension of a resource type and whether resources must carry it.</summary>
public sealed record SchemaExtension(SchemaDefinition Schema, bool Required);
