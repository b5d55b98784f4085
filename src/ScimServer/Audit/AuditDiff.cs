using System.Text.Json.Nodes;

namespace ScimServer.Audit;

/// <summary>
/// Attribute-level before/after of a change: one entry per leaf attribute that differs, named by its path
/// (<c>name.givenName</c>, <c>urn:…:User:role</c>); multi-valued attributes compare as a whole. Anything that looks
/// like a secret is replaced by a marker, so the log never holds one.
/// </summary>
public static class AuditDiff
{
    public const string Redacted = "[redacted]";

    public static JsonObject? Between(JsonObject? before, JsonObject? after)
    {
        var changes = new JsonObject();
        Walk(before, after, "", false, changes);
        return changes.Count == 0 ? null : changes;
    }

    /// <summary>A change to one named value (settings, counters): {"name": {"before": …, "after": …}}.</summary>
    public static JsonObject Of(params (string Name, object? Before, object? After)[] values)
    {
        var changes = new JsonObject();
        foreach (var (name, before, after) in values)
        {
            var b = Node(before);
            var a = Node(after);
            if (!JsonNode.DeepEquals(b, a))
            {
                changes[name] = Pair(name, b, a);
            }
        }
        return changes;
    }

    private static void Walk(JsonObject? before, JsonObject? after, string prefix, bool inExtension, JsonObject changes)
    {
        var keys = (before?.Select(p => p.Key) ?? []).Union(after?.Select(p => p.Key) ?? [], StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var b = before?[key];
            var a = after?[key];
            var path = prefix.Length == 0 ? key : prefix + (inExtension ? ":" : ".") + key;
            if (key == "meta" || JsonNode.DeepEquals(b, a))
            {
                continue;
            }
            if (b is JsonObject || a is JsonObject)
            {
                Walk(b as JsonObject, a as JsonObject, path, prefix.Length == 0 && key.StartsWith("urn:", StringComparison.Ordinal), changes);
                continue;
            }
            changes[path] = Pair(path, b?.DeepClone(), a?.DeepClone());
        }
    }

    private static JsonObject Pair(string name, JsonNode? before, JsonNode? after) => IsSecret(name)
        ? new JsonObject { ["before"] = before is null ? null : Redacted, ["after"] = after is null ? null : Redacted }
        : new JsonObject { ["before"] = before, ["after"] = after };

    private static bool IsSecret(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("hash", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? Node(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        _ => System.Text.Json.JsonSerializer.SerializeToNode(value is Enum ? value.ToString() : value, System.Text.Json.JsonSerializerOptions.Web),
    };
}
