using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;

namespace ScimServer.Protocol.Bulk;

/// <summary>
/// A parsed BulkRequest message (RFC 7644 §3.7). What is wrong with the message as a whole (not a BulkRequest, too
/// many operations) refuses it; what is wrong with one operation is that operation's error, so the others still run.
/// </summary>
public sealed record BulkRequest(int? FailOnErrors, IReadOnlyList<BulkOperation> Operations)
{
    public static Result<BulkRequest> Parse(JsonNode? body, int maxOperations)
    {
        if (body is not JsonObject obj)
        {
            return ScimError.InvalidSyntax("A bulk body must be a JSON object with \"schemas\" and \"Operations\" (RFC 7644 §3.7).");
        }
        if (Property(obj, "schemas") is not JsonArray schemas || !schemas.Any(s => s?.GetValueKind() == JsonValueKind.String &&
                string.Equals(s.GetValue<string>(), ScimSchemaUris.BulkRequest, StringComparison.OrdinalIgnoreCase)))
        {
            return ScimError.InvalidSyntax($"\"schemas\" must contain \"{ScimSchemaUris.BulkRequest}\".");
        }
        int? failOnErrors = null;
        if (Property(obj, "failOnErrors") is { } fail)
        {
            if (fail.GetValueKind() != JsonValueKind.Number || !fail.AsValue().TryGetValue<int>(out var limit) || limit < 1)
            {
                return ScimError.InvalidValue($"failOnErrors is {fail.ToJsonString()}; it must be a whole number of 1 or more (the errors to accept before the rest is skipped).");
            }
            failOnErrors = limit;
        }
        if (Property(obj, "Operations") is not JsonArray operations || operations.Count == 0)
        {
            return ScimError.InvalidSyntax("\"Operations\" must be a non-empty array of operations.");
        }
        if (operations.Count > maxOperations)
        {
            return new ScimError(413, null,
                $"The bulk request has {operations.Count} operations; maxOperations is {maxOperations} (see /ServiceProviderConfig). Split it into several bulk requests.");
        }
        var parsed = new List<BulkOperation>(operations.Count);
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            parsed.Add(BulkOperation.Parse(i, operations[i], bulkIds));
        }
        return Result<BulkRequest>.Ok(new BulkRequest(failOnErrors, parsed));
    }

    internal static JsonNode? Property(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// One operation of a bulk request, in request order (<see cref="Index"/>). <see cref="Invalid"/> is set when the
/// operation itself is malformed: it is answered with that error and not run.
/// </summary>
public sealed record BulkOperation(int Index, string Method, string? BulkId, string? Version, string Path, JsonNode? Data, ScimError? Invalid)
{
    public const string Post = "POST", Put = "PUT", Patch = "PATCH", Delete = "DELETE";

    internal static BulkOperation Parse(int index, JsonNode? node, HashSet<string> bulkIds)
    {
        BulkOperation Bad(string method, string? bulkId, string path, ScimError error) => new(index, method, bulkId, null, path, null, error);
        var where = $"Operations[{index}]";
        if (node is not JsonObject op)
        {
            return Bad("", null, "", ScimError.InvalidSyntax($"{where} must be an object with \"method\", \"path\" and, for POST, PUT and PATCH, \"data\"."));
        }
        var method = Text(op, "method")?.ToUpperInvariant() ?? "";
        var bulkId = Text(op, "bulkId");
        var path = Text(op, "path") ?? "";
        if (method is not (Post or Put or Patch or Delete))
        {
            return Bad(method, bulkId, path, ScimError.InvalidValue($"{where}.method is \"{method}\"; use POST, PUT, PATCH or DELETE."));
        }
        if (path.Length == 0)
        {
            return Bad(method, bulkId, path, ScimError.InvalidPath($"{where} has no \"path\"; POST names an endpoint (\"/Users\"), the others a resource (\"/Users/{{id}}\")."));
        }
        if (method == Post)
        {
            if (string.IsNullOrEmpty(bulkId))
            {
                return Bad(method, bulkId, path, ScimError.InvalidSyntax($"{where} is a POST without \"bulkId\"; RFC 7644 §3.7 requires one, unique within the request."));
            }
            if (!bulkIds.Add(bulkId))
            {
                return Bad(method, bulkId, path, ScimError.InvalidValue($"{where} repeats bulkId \"{bulkId}\"; each POST needs its own."));
            }
        }
        var data = method == Patch ? AsPatchOp(BulkRequest.Property(op, "data")) : BulkRequest.Property(op, "data");
        if (method != Delete && data is not JsonObject)
        {
            return Bad(method, bulkId, path, ScimError.InvalidSyntax($"{where} is a {method} without \"data\"; send the resource (or the PatchOp message) as a JSON object."));
        }
        var version = BulkRequest.Property(op, "version");
        if (version is not null && version.GetValueKind() != JsonValueKind.String)
        {
            return Bad(method, bulkId, path, ScimError.InvalidSyntax($"{where}.version must be a string: the resource's ETag, e.g. W/\"3\"."));
        }
        return new BulkOperation(index, method, bulkId, version?.GetValue<string>(), path, method == Delete ? null : data, null);
    }

    /// <summary>
    /// A PATCH's data as a PatchOp message. RFC 7644's own bulk example (§3.7.3) sends the operations without the
    /// message around them, so a bare array of operations, or "Operations" without "schemas", is taken as one.
    /// </summary>
    private static JsonNode? AsPatchOp(JsonNode? data) => data switch
    {
        JsonArray operations => new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.PatchOp), ["Operations"] = operations.DeepClone() },
        JsonObject message when BulkRequest.Property(message, "schemas") is null && BulkRequest.Property(message, "Operations") is not null =>
            new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.PatchOp), ["Operations"] = BulkRequest.Property(message, "Operations")!.DeepClone() },
        _ => data,
    };

    private static string? Text(JsonObject obj, string name) => BulkRequest.Property(obj, name) switch
    {
        null => null,
        var n when n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
        var n => n.ToJsonString(),
    };

    /// <summary>The status as the BulkResponse carries it: a string (RFC 7644 §3.7.3 examples).</summary>
    public static string Status(int status) => status.ToString(CultureInfo.InvariantCulture);
}
