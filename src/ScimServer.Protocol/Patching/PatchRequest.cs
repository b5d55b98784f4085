using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Messages;

namespace ScimServer.Protocol.Patching;

/// <summary>A parsed PatchOp message (RFC 7644 §3.5.2). Operation names are matched case-insensitively ("Replace" from Entra ID).</summary>
public sealed record PatchRequest(IReadOnlyList<PatchOperation> Operations)
{
    public const int MaxOperations = 1000;

    public static Result<PatchRequest> Parse(JsonNode? body)
    {
        if (body is not JsonObject obj)
        {
            return ScimError.InvalidSyntax("A PATCH body must be a JSON object with \"schemas\" and \"Operations\".");
        }
        var schemas = Property(obj, "schemas") as JsonArray;
        if (schemas is null || !schemas.Any(s => s?.GetValueKind() == System.Text.Json.JsonValueKind.String &&
                                                 string.Equals(s.GetValue<string>(), ScimSchemaUris.PatchOp, StringComparison.OrdinalIgnoreCase)))
        {
            return ScimError.InvalidSyntax($"\"schemas\" must contain \"{ScimSchemaUris.PatchOp}\".");
        }
        if (Property(obj, "Operations") is not JsonArray operations || operations.Count == 0)
        {
            return ScimError.InvalidSyntax("\"Operations\" must be a non-empty array of operations.");
        }
        if (operations.Count > MaxOperations)
        {
            return new ScimError(413, null, $"A PATCH may carry at most {MaxOperations} operations; this one has {operations.Count}. Split it into several requests.");
        }
        var parsed = new List<PatchOperation>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                return ScimError.InvalidSyntax($"Operations[{i}] must be an object with \"op\", optional \"path\" and \"value\".");
            }
            var name = Property(op, "op");
            if (name?.GetValueKind() != System.Text.Json.JsonValueKind.String ||
                !Enum.TryParse<PatchOperationKind>(name.GetValue<string>(), ignoreCase: true, out var kind) ||
                !Enum.IsDefined(kind) || int.TryParse(name.GetValue<string>(), out _))
            {
                return ScimError.InvalidSyntax($"Operations[{i}].op is {name?.ToJsonString() ?? "missing"}; it must be \"add\", \"remove\" or \"replace\".");
            }
            var pathNode = Property(op, "path");
            Paths.PatchPath? path = null;
            if (pathNode is not null)
            {
                if (pathNode.GetValueKind() != System.Text.Json.JsonValueKind.String)
                {
                    return ScimError.InvalidPath($"Operations[{i}].path must be a string.");
                }
                var text = pathNode.GetValue<string>();
                if (!string.IsNullOrWhiteSpace(text))
                {
                    var parsedPath = FilterParser.ParsePath(text);
                    if (!parsedPath.IsSuccess)
                    {
                        return parsedPath.Error with { Detail = $"Operations[{i}].path \"{text}\": {parsedPath.Error.Detail}" };
                    }
                    path = parsedPath.Value;
                }
            }
            var value = Property(op, "value");
            if (kind != PatchOperationKind.Remove && value is null)
            {
                return ScimError.InvalidValue($"Operations[{i}] ({kind.ToString().ToLowerInvariant()}) needs a \"value\".");
            }
            parsed.Add(new PatchOperation(kind, path, value?.DeepClone(), i));
        }
        return Result<PatchRequest>.Ok(new PatchRequest(parsed));
    }

    private static JsonNode? Property(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }
}
