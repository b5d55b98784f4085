using ScimServer.Protocol.Schemas;

namespace ScimServer.Persistence;

/// <summary>
/// The values of a multi-valued attribute of the current row as a row source, so a comparison on them
/// becomes <c>EXISTS (SELECT 1 FROM {From} WHERE {Where} AND …)</c>. <see cref="Sub"/> maps a
/// sub-attribute to its expression, or null where it cannot be filtered on.
/// </summary>
public sealed record SqlElementSource(string From, string Where, Func<AttributeDefinition, SqlOperand?> Sub);
