using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// A value filter (<c>emails[type eq "work"]</c>) bound to the multi-valued attribute it filters: every
/// comparison knows its sub-attribute and carries its literal typed for it. Bound once by <see cref="Bind"/>, then
/// used alike by SQL translation, in-memory evaluation (<see cref="ElementFilterEvaluator"/>) and PATCH.
/// </summary>
public abstract record BoundElementFilter
{
    /// <summary><c>sub op literal</c>; <paramref name="Display"/> is <c>parent.sub</c>, for messages.</summary>
    public sealed record Comparison(AttributeDefinition Attribute, ComparisonOperator Operator, TypedLiteral? Literal, string Display) : BoundElementFilter;

    public sealed record Logical(LogicalOperator Operator, BoundElementFilter Left, BoundElementFilter Right) : BoundElementFilter;

    public sealed record Not(BoundElementFilter Inner) : BoundElementFilter;

    /// <summary>Resolves each sub-attribute the filter names against <paramref name="parent"/> and types each literal.</summary>
    public static Result<BoundElementFilter> Bind(FilterNode filter, AttributeDefinition parent)
    {
        try
        {
            return Result<BoundElementFilter>.Ok(Walk(filter, parent));
        }
        catch (ScimException e)
        {
            return e.Error;
        }
    }

    private static BoundElementFilter Walk(FilterNode node, AttributeDefinition parent) => node switch
    {
        LogicalNode l => new Logical(l.Operator, Walk(l.Left, parent), Walk(l.Right, parent)),
        NotNode n => new Not(Walk(n.Inner, parent)),
        ComparisonNode c => Compare(c, parent),
        _ => throw new ScimException(ScimError.InvalidFilter("A value filter cannot contain another value filter.")),
    };

    private static Comparison Compare(ComparisonNode c, AttributeDefinition parent)
    {
        if (c.Path.SubAttribute is not null || c.Path.SchemaUrn is not null)
        {
            throw new ScimException(ScimError.InvalidFilter($"Inside '{parent.Name}[…]' name sub-attributes directly, e.g. 'value'; '{c.Path}' is not one."));
        }
        // A multi-valued attribute of simple values is filtered on the value itself ("value" names it).
        var sub = parent.Type == AttributeType.Complex
            ? parent.FindSubAttribute(c.Path.Name)
            : string.Equals(c.Path.Name, "value", StringComparison.OrdinalIgnoreCase) ? parent with { MultiValued = false } : null;
        if (sub is null)
        {
            throw new ScimException(ScimError.InvalidFilter(AttributeResolver.NotASubAttribute(parent, c.Path.Name)));
        }
        var display = parent.Name + "." + sub.Name;
        TypedLiteral? literal = null;
        if (c.Value is not null)
        {
            var typed = TypedLiteral.From(sub, c.Operator, c.Value, display);
            literal = typed.IsSuccess ? typed.Value : throw new ScimException(typed.Error);
        }
        return new Comparison(sub, c.Operator, literal, display);
    }
}
