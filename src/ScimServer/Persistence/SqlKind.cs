namespace ScimServer.Persistence;

/// <summary>The PostgreSQL type of a filter operand, which decides how it is compared.</summary>
public enum SqlKind
{
    Text,
    Uuid,
    Boolean,
    Numeric,
    Timestamp,
}
