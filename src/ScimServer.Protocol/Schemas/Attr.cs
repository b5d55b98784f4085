namespace ScimServer.Protocol.Schemas;

/// <summary>Short builders that keep the schema tables in <see cref="CoreSchemas"/> readable.</summary>
internal static class Attr
{
    public static AttributeDefinition Str(string name, string description, bool caseExact = false) =>
        new(name, AttributeType.String) { Description = description, CaseExact = caseExact };

    public static AttributeDefinition Bool(string name, string description) =>
        new(name, AttributeType.Boolean) { Description = description };

    public static AttributeDefinition Ref(string name, string description, params string[] referenceTypes) =>
        new(name, AttributeType.Reference) { Description = description, ReferenceTypes = referenceTypes, CaseExact = true };

    public static AttributeDefinition Complex(string name, string description, params AttributeDefinition[] subAttributes) =>
        new(name, AttributeType.Complex) { Description = description, SubAttributes = subAttributes };

    /// <summary>The value/display/type/primary shape shared by emails, phoneNumbers, ims, photos and the like.</summary>
    public static AttributeDefinition MultiValued(string name, string description, AttributeDefinition value, params string[] types) =>
        new(name, AttributeType.Complex)
        {
            Description = description,
            MultiValued = true,
            SubAttributes =
            [
                value,
                Str("display", "A human-readable name, primarily used for display purposes."),
                Str("type", "A label indicating the attribute's function.") with { CanonicalValues = types },
                Bool("primary", "Indicates the 'primary' or preferred attribute value; at most one value is primary."),
            ],
        };
}
