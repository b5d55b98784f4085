using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// Evaluates a value filter (<c>emails[type eq "work"]</c>) against the values of one multi-valued attribute
/// of one resource, for PATCH. Searching resources never uses this: that is SQL's job.
/// </summary>
public static class ElementFilterEvaluator
{
    /// <summary>Checks that every attribute named in <paramref name="filter"/> is a sub-attribute of <paramref name="parent"/> with a fitting literal.</summary>
    public static ScimError? Validate(FilterNode filter, AttributeDefinition parent)
    {
        try
        {
            Walk(filter, parent, element: null);
            return null;
        }
        catch (ScimException e)
        {
            return e.Error;
        }
    }

    /// <summary>Whether the value <paramref name="element"/> matches; call <see cref="Validate"/> first.</summary>
    public static bool Matches(FilterNode filter, AttributeDefinition parent, JsonNode? element) =>
        Walk(filter, parent, element ?? JsonValue.Create((string?)null));

    private static bool Walk(FilterNode node, AttributeDefinition parent, JsonNode? element) => node switch
    {
        LogicalNode { Operator: LogicalOperator.And } l => Walk(l.Left, parent, element) & Walk(l.Right, parent, element),
        LogicalNode l => Walk(l.Left, parent, element) | Walk(l.Right, parent, element),
        NotNode n => !Walk(n.Inner, parent, element),
        ComparisonNode c => Compare(c, parent, element),
        _ => throw new ScimException(ScimError.InvalidFilter("A value filter cannot contain another value filter.")),
    };

    private static bool Compare(ComparisonNode c, AttributeDefinition parent, JsonNode? element)
    {
        if (c.Path.SubAttribute is not null || c.Path.SchemaUrn is not null)
        {
            throw new ScimException(ScimError.InvalidFilter($"Inside '{parent.Name}[…]' name sub-attributes directly, e.g. 'value'; '{c.Path}' is not one."));
        }
        // A multi-valued attribute of simple values is filtered on the value itself ("value" names it).
        var definition = parent.Type == AttributeType.Complex
            ? parent.FindSubAttribute(c.Path.Name)
            : string.Equals(c.Path.Name, "value", StringComparison.OrdinalIgnoreCase) ? parent with { MultiValued = false } : null;
        if (definition is null)
        {
            throw new ScimException(ScimError.InvalidFilter(
                $"'{c.Path.Name}' is not a sub-attribute of '{parent.Name}'; it has: {string.Join(", ", parent.SubAttributes.Select(a => a.Name))}."));
        }
        TypedLiteral? literal = null;
        if (c.Value is not null)
        {
            var typed = TypedLiteral.From(definition, c.Operator, c.Value, parent.Name + "." + definition.Name);
            if (!typed.IsSuccess)
            {
                throw new ScimException(typed.Error);
            }
            literal = typed.Value;
        }
        if (element is null)
        {
            return false;
        }
        var actual = parent.Type == AttributeType.Complex ? (element as JsonObject)?[definition.Name] : element;
        return Evaluate(definition, c.Operator, literal, actual);
    }

    private static bool Evaluate(AttributeDefinition definition, ComparisonOperator op, TypedLiteral? literal, JsonNode? actual)
    {
        var present = actual is not null && !(actual.GetValueKind() == JsonValueKind.String && actual.GetValue<string>().Length == 0);
        if (op == ComparisonOperator.Present)
        {
            return present;
        }
        if (literal!.Value is null)
        {
            return op == ComparisonOperator.Equal ? !present : present;
        }
        if (!present)
        {
            return op == ComparisonOperator.NotEqual;
        }
        int order;
        switch (literal.Value)
        {
            case bool b:
                var actualBool = actual!.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => (bool?)null,
                };
                return op == ComparisonOperator.Equal ? actualBool == b : actualBool != b;
            case long or decimal:
                if (actual!.GetValueKind() != JsonValueKind.Number)
                {
                    return op == ComparisonOperator.NotEqual;
                }
                order = actual.GetValue<decimal>().CompareTo(Convert.ToDecimal(literal.Value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dt:
                if (!TypedLiteral.TryParseDateTime(actual!.ToString(), out var actualDate))
                {
                    return op == ComparisonOperator.NotEqual;
                }
                order = actualDate.CompareTo(dt);
                break;
            default:
                var text = actual!.GetValueKind() == JsonValueKind.String ? actual.GetValue<string>() : actual.ToJsonString();
                var expected = (string)literal.Value;
                var comparison = definition.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                switch (op)
                {
                    case ComparisonOperator.Contains: return text.Contains(expected, comparison);
                    case ComparisonOperator.StartsWith: return text.StartsWith(expected, comparison);
                    case ComparisonOperator.EndsWith: return text.EndsWith(expected, comparison);
                }
                order = string.Compare(text, expected, comparison);
                break;
        }
        return op switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.GreaterThan => order > 0,
            ComparisonOperator.GreaterOrEqual => order >= 0,
            ComparisonOperator.LessThan => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            _ => false,
        };
    }
}
