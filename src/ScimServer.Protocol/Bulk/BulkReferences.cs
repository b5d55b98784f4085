using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimServer.Protocol.Bulk;

/// <summary>
/// <c>bulkId:&lt;id&gt;</c> references (RFC 7644 §3.7.2): a string value that is exactly one (a member's
/// <c>value</c>, a manager's <c>value</c>, a PATCH value), or one inside a path (the operation's <c>path</c>, a PATCH
/// operation's <c>path</c> filter such as <c>members[value eq "bulkId:u1"]</c>).
/// </summary>
public static partial class BulkReferences
{
    public const string Prefix = "bulkId:";

    [GeneratedRegex(@"bulkId:([^\s""'\[\]/(),]+)", RegexOptions.CultureInvariant)]
    private static partial Regex InPath();

    /// <summary>The bulkIds the operation refers to, in the order they first appear.</summary>
    public static IReadOnlyList<string> Of(BulkOperation op)
    {
        var found = new List<string>();
        void Add(string id)
        {
            if (!found.Contains(id))
            {
                found.Add(id);
            }
        }
        foreach (Match match in InPath().Matches(op.Path))
        {
            Add(match.Groups[1].Value);
        }
        if (op.Data is not null)
        {
            Visit(op.Data, null, (text, isPath) =>
            {
                if (Whole(text) is { } id)
                {
                    Add(id);
                }
                else if (isPath)
                {
                    foreach (Match match in InPath().Matches(text))
                    {
                        Add(match.Groups[1].Value);
                    }
                }
                return text;
            });
        }
        return found;
    }

    /// <summary>The operation's path and a copy of its data with every reference replaced by the id it names.</summary>
    public static (string Path, JsonNode? Data) Resolve(BulkOperation op, IReadOnlyDictionary<string, string> ids)
    {
        string InText(string text) => InPath().Replace(text, m => ids.TryGetValue(m.Groups[1].Value, out var id) ? id : m.Value);
        var data = op.Data?.DeepClone();
        if (data is not null)
        {
            data = Visit(data, null, (text, isPath) =>
                Whole(text) is { } id && ids.TryGetValue(id, out var resolved) ? resolved : isPath ? InText(text) : text);
        }
        return (InText(op.Path), data);
    }

    /// <summary>
    /// Splits a POST's data for a circle of references: what can be created before the others exist, and the PATCH
    /// operations (references still unresolved) that add the rest once they do. Whatever names one of
    /// <paramref name="later"/> is taken out whole: an element of a multi-valued attribute (a group's member), or a
    /// single-valued attribute (an enterprise user's manager), at the top level or inside an extension.
    /// </summary>
    public static (JsonObject Now, JsonArray Later) Defer(JsonObject data, IReadOnlySet<string> later)
    {
        var now = (JsonObject)data.DeepClone();
        var operations = new JsonArray();
        bool Names(JsonNode node)
        {
            var found = false;
            Visit(node, null, (text, _) =>
            {
                found |= Whole(text) is { } id && later.Contains(id);
                return text;
            });
            return found;
        }
        void Split(JsonObject obj, string prefix)
        {
            foreach (var name in obj.Select(p => p.Key).ToList())
            {
                switch (obj[name])
                {
                    case JsonObject extension when prefix.Length == 0 && name.StartsWith("urn:", StringComparison.OrdinalIgnoreCase):
                        Split(extension, name + ":");
                        break;
                    case JsonArray array:
                        var taken = array.Where(e => e is not null && Names(e)).ToList();
                        if (taken.Count > 0)
                        {
                            taken.ForEach(e => array.Remove(e));
                            operations.Add(new JsonObject { ["op"] = "add", ["path"] = prefix + name, ["value"] = new JsonArray([.. taken]) });
                        }
                        break;
                    case { } value when Names(value):
                        obj.Remove(name);
                        operations.Add(new JsonObject { ["op"] = "add", ["path"] = prefix + name, ["value"] = value });
                        break;
                }
            }
        }
        Split(now, "");
        return (now, operations);
    }

    private static string? Whole(string text) =>
        text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length > Prefix.Length && !text.Any(char.IsWhiteSpace) ? text[Prefix.Length..] : null;

    /// <summary>Calls <paramref name="change"/> for every string in <paramref name="node"/> and puts back what it returns.</summary>
    private static JsonNode Visit(JsonNode node, string? key, Func<string, bool, string> change)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is { } child)
                    {
                        var replaced = Visit(child, name, change);
                        if (!ReferenceEquals(replaced, child))
                        {
                            obj[name] = replaced;
                        }
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        var replaced = Visit(item, null, change);
                        if (!ReferenceEquals(replaced, item))
                        {
                            array[i] = replaced;
                        }
                    }
                }
                return array;
            default:
                if (node.GetValueKind() != JsonValueKind.String)
                {
                    return node;
                }
                var text = node.GetValue<string>();
                var changed = change(text, string.Equals(key, "path", StringComparison.OrdinalIgnoreCase));
                return changed == text ? node : JsonValue.Create(changed);
        }
    }
}
