using ScimServer.Protocol.Paths;

namespace ScimServer.Protocol.Filtering;

/// <summary>A node of a parsed SCIM filter. <see cref="FilterPrinter"/> prints it back canonically.</summary>
public abstract record FilterNode
{
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>left and right</c> / <c>left or right</c>.</summary>
public sealed record LogicalNode(LogicalOperator Operator, FilterNode Left, FilterNode Right) : FilterNode
{
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>not (inner)</c>.</summary>
public sealed record NotNode(FilterNode Inner) : FilterNode
{
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>path op value</c>, or <c>path pr</c> with no value.</summary>
public sealed record ComparisonNode(AttributePath Path, ComparisonOperator Operator, FilterLiteral? Value) : FilterNode
{
    public override string ToString() => FilterPrinter.Print(this);
}

/// <summary><c>path[filter]</c>: the inner filter applies to each value of a multi-valued complex attribute.</summary>
public sealed record ValuePathNode(AttributePath Path, FilterNode Filter) : FilterNode
{
    public override string ToString() => FilterPrinter.Print(this);
}

public enum LogicalOperator
{
    And,
    Or,
}
