namespace ScimServer.Protocol.Filtering;

/// <summary>The attribute operators of RFC 7644 §3.4.2.2, table 3.</summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Contains,
    StartsWith,
    EndsWith,
    Present,
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}
