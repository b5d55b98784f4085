using System.Globalization;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Filtering;

/// <summary>
/// A comparison value converted to the type of the attribute it is compared with (RFC 7644 §3.4.2.2:
/// dateTime, boolean, integer, decimal and string comparisons each follow their type).
/// Shared by the in-memory evaluator and the SQL translator so both accept exactly the same filters.
/// </summary>
public sealed record TypedLiteral(AttributeType Type, object? Value)
{
    public static Result<TypedLiteral> From(AttributeDefinition attribute, ComparisonOperator op, FilterLiteral literal, string displayPath)
    {
        if (literal.Kind == LiteralKind.Null)
        {
            if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
            {
                return ScimError.InvalidFilter($"'{displayPath} {Operators.Name(op)} null' is not meaningful; only eq and ne compare with null.");
            }
            return Result<TypedLiteral>.Ok(new TypedLiteral(attribute.Type, null));
        }
        if (attribute.Type == AttributeType.Complex)
        {
            return ScimError.InvalidFilter($"'{displayPath}' is a complex attribute; compare one of its sub-attributes, e.g. '{displayPath}.value'.");
        }
        if (Operators.IsSubstring(op) && attribute.Type is not (AttributeType.String or AttributeType.Reference or AttributeType.Binary))
        {
            return ScimError.InvalidFilter($"'{Operators.Name(op)}' compares strings, but '{displayPath}' is of type {Lower(attribute.Type)}.");
        }
        switch (attribute.Type)
        {
            case AttributeType.Boolean:
                if (Operators.IsOrdering(op))
                {
                    return ScimError.InvalidFilter($"'{displayPath}' is a boolean; '{Operators.Name(op)}' cannot order booleans, use eq or ne.");
                }
                return literal.Kind switch
                {
                    LiteralKind.True => Ok(attribute, true),
                    LiteralKind.False => Ok(attribute, false),
                    LiteralKind.String when bool.TryParse(literal.Text, out var b) => Ok(attribute, b),
                    _ => Mismatch(displayPath, "boolean", "true or false", literal),
                };
            case AttributeType.Integer:
                return literal.TryGetDecimal(out var i) && i == decimal.Truncate(i)
                    ? Ok(attribute, (long)i)
                    : Mismatch(displayPath, "integer", "a whole number", literal);
            case AttributeType.Decimal:
                return literal.TryGetDecimal(out var d)
                    ? Ok(attribute, d)
                    : Mismatch(displayPath, "decimal", "a number", literal);
            case AttributeType.DateTime:
                return literal.Kind == LiteralKind.String && TryParseDateTime(literal.Text, out var dt)
                    ? Ok(attribute, dt)
                    : Mismatch(displayPath, "dateTime", "an xsd:dateTime string such as \"2026-01-31T12:00:00Z\"", literal);
            default:
                if (literal.Kind is LiteralKind.True or LiteralKind.False)
                {
                    return Mismatch(displayPath, "string", "a \"quoted string\"", literal);
                }
                return Ok(attribute, literal.Text);
        }
    }

    public static bool TryParseDateTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text.Contains('T', StringComparison.OrdinalIgnoreCase);

    private static Result<TypedLiteral> Ok(AttributeDefinition attribute, object value) =>
        Result<TypedLiteral>.Ok(new TypedLiteral(attribute.Type, value));

    private static ScimError Mismatch(string path, string type, string expected, FilterLiteral literal) =>
        ScimError.InvalidFilter($"'{path}' is of type {type}; compare it with {expected}, not {literal}.");

    private static string Lower(AttributeType type) => type switch
    {
        AttributeType.DateTime => "dateTime",
        _ => type.ToString().ToLowerInvariant(),
    };
}
