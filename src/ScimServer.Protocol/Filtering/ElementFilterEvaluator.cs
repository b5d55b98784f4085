using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// Evaluates a bound value filter (<c>emails[type eq "work"]</c>) against the values of one multi-valued
/// attribute of one resource, for PATCH. Searching resources never uses this: that is SQL's job.
/// </summary>
public static class ElementFilterEvaluator
{
    /// <summary>Whether the value <paramref name="element"/> of the filtered attribute <paramref name="parent"/> matches.</summary>
    public static bool Matches(BoundElementFilter filter, AttributeDefinition parent, JsonNode? element) => filter switch
    {
        BoundElementFilter.Logical { Operator: LogicalOperator.And } l => Matches(l.Left, parent, element) & Matches(l.Right, parent, element),
        BoundElementFilter.Logical l => Matches(l.Left, parent, element) | Matches(l.Right, parent, element),
        BoundElementFilter.Not n => !Matches(n.Inner, parent, element),
        BoundElementFilter.Comparison c => element is not null &&
            Evaluate(c.Attribute, c.Operator, c.Literal, parent.Type == AttributeType.Complex ? (element as JsonObject)?[c.Attribute.Name] : element),
        _ => false,
    };

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
