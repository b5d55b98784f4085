using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Resources;

/// <summary>
/// Checks one attribute value against its definition and returns it in canonical form: attribute names as the
/// schema spells them, booleans as JSON booleans (IdPs send "True"), read-only sub-attributes dropped
/// (RFC 7644 §3.5.1 says clients' read-only values are ignored), a lone value of a multi-valued attribute wrapped.
/// A null result means "unassigned".
/// </summary>
internal static class ValueNormalizer
{
    public static JsonNode? Normalize(AttributeDefinition definition, JsonNode? value, string path)
    {
        if (value is null)
        {
            return null;
        }
        if (definition.MultiValued)
        {
            var items = value as JsonArray ?? [value.DeepClone()];
            var result = new JsonArray();
            foreach (var item in items)
            {
                var normalized = NormalizeSingle(definition, item, path);
                if (normalized is not null)
                {
                    result.Add(normalized);
                }
            }
            return result;
        }
        if (value is JsonArray)
        {
            throw Invalid($"'{path}' is single-valued; send one value, not an array.");
        }
        return NormalizeSingle(definition, value, path);
    }

    private static JsonNode? NormalizeSingle(AttributeDefinition definition, JsonNode? value, string path)
    {
        if (value is null)
        {
            return null;
        }
        var kind = value.GetValueKind();
        switch (definition.Type)
        {
            case AttributeType.Complex:
                if (kind == JsonValueKind.String && !definition.MultiValued && definition.FindSubAttribute("value") is not null)
                {
                    // Entra ID sends the enterprise manager as a bare id string; it means {"value": id}.
                    value = new JsonObject { ["value"] = value.GetValue<string>() };
                }
                if (value is not JsonObject obj)
                {
                    throw Invalid($"'{path}' is complex; send an object with its sub-attributes ({string.Join(", ", definition.SubAttributes.Select(s => s.Name))}).");
                }
                var complex = new JsonObject();
                foreach (var (key, sub) in obj)
                {
                    var subDefinition = definition.FindSubAttribute(key);
                    if (subDefinition is null || subDefinition.Mutability == Mutability.ReadOnly)
                    {
                        continue;
                    }
                    var normalized = NormalizeSingle(subDefinition, sub, path + "." + subDefinition.Name);
                    if (normalized is not null)
                    {
                        complex[subDefinition.Name] = normalized;
                    }
                }
                return complex;
            case AttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return value.DeepClone();
                }
                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var b))
                {
                    return JsonValue.Create(b);
                }
                throw Invalid($"'{path}' is a boolean; send true or false.");
            case AttributeType.Integer:
                if (kind == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out var l))
                {
                    return JsonValue.Create(l);
                }
                if (kind == JsonValueKind.String && long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out l))
                {
                    return JsonValue.Create(l);
                }
                throw Invalid($"'{path}' is an integer; send a whole number.");
            case AttributeType.Decimal:
                if (kind == JsonValueKind.Number)
                {
                    return value.DeepClone();
                }
                if (kind == JsonValueKind.String && decimal.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    return JsonValue.Create(d);
                }
                throw Invalid($"'{path}' is a decimal; send a number.");
            case AttributeType.DateTime:
                if (kind == JsonValueKind.String && TypedLiteral.TryParseDateTime(value.GetValue<string>(), out var dt))
                {
                    return JsonValue.Create(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                }
                throw Invalid($"'{path}' is a dateTime; send an xsd:dateTime string such as \"2026-01-31T12:00:00Z\".");
            default:
                if (kind == JsonValueKind.String)
                {
                    if (StorableText.Problem(value.GetValue<string>()) is { } problem)
                    {
                        throw Invalid($"'{path}' contains {problem}, which cannot be stored; remove it.");
                    }
                    return value.DeepClone();
                }
                // Numbers for string attributes (employeeNumber: 1234) are kept as their text, not refused.
                if (kind == JsonValueKind.Number)
                {
                    return JsonValue.Create(value.ToJsonString());
                }
                throw Invalid($"'{path}' is a string; send a JSON string.");
        }
    }

    private static ScimException Invalid(string detail) => new(ScimError.InvalidValue(detail));
}
