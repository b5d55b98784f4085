using System.Text.Json.Nodes;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Resources;

/// <summary>
/// The <c>attributes</c> / <c>excludedAttributes</c> projection of RFC 7644 §3.4.2.5 combined with each
/// attribute's <c>returned</c> characteristic (RFC 7643 §7): "always" cannot be excluded, "never" is never
/// sent, "request" only when asked for. Names that no schema defines are ignored.
/// </summary>
public sealed class AttributeSelection
{
    private readonly ResourceTypeDefinition _type;
    private readonly HashSet<string> _include;
    private readonly HashSet<string> _exclude;

    private AttributeSelection(ResourceTypeDefinition type, HashSet<string> include, HashSet<string> exclude)
    {
        _type = type;
        _include = include;
        _exclude = exclude;
    }

    public static AttributeSelection Parse(ResourceTypeDefinition type, string? attributes, string? excludedAttributes) =>
        new(type, Keys(type, attributes), Keys(type, excludedAttributes));

    public static AttributeSelection Parse(ResourceTypeDefinition type, IEnumerable<string>? attributes, IEnumerable<string>? excludedAttributes) =>
        Parse(type, attributes is null ? null : string.Join(',', attributes), excludedAttributes is null ? null : string.Join(',', excludedAttributes));

    public static AttributeSelection Default(ResourceTypeDefinition type) => new(type, [], []);

    /// <summary>Whether a core attribute will appear at all, so the caller can skip loading it (a group's members).</summary>
    public bool Wants(string coreAttribute)
    {
        var definition = _type.Schema.FindAttribute(coreAttribute) ?? CommonAttributes.Find(coreAttribute);
        return definition is not null && Decide(_type.Schema.Id, definition) != Decision.Drop;
    }

    /// <summary>Projects a full resource representation (schemas, id, attributes, extensions, meta).</summary>
    public JsonObject Apply(JsonObject resource)
    {
        foreach (var key in resource.Select(p => p.Key).ToList())
        {
            if (key == "schemas")
            {
                continue;
            }
            if (_type.FindExtension(key) is { } extension)
            {
                if (resource[key] is JsonObject body)
                {
                    Project(body, extension.Id, extension.FindAttribute);
                    if (body.Count == 0)
                    {
                        resource.Remove(key);
                    }
                }
                continue;
            }
            var definition = _type.Schema.FindAttribute(key) ?? CommonAttributes.Find(key);
            if (definition is null)
            {
                continue;
            }
            Filter(resource, key, _type.Schema.Id, definition);
        }
        if (resource["schemas"] is JsonArray schemas)
        {
            foreach (var urn in schemas.Select(s => s!.GetValue<string>()).Where(u => _type.FindExtension(u) is not null && resource[u] is null).ToList())
            {
                schemas.Remove(schemas.First(s => s!.GetValue<string>() == urn));
            }
        }
        return resource;
    }

    private void Project(JsonObject body, string schemaId, Func<string, AttributeDefinition?> find)
    {
        foreach (var key in body.Select(p => p.Key).ToList())
        {
            if (find(key) is { } definition)
            {
                Filter(body, key, schemaId, definition);
            }
        }
    }

    private void Filter(JsonObject container, string key, string schemaId, AttributeDefinition definition)
    {
        switch (Decide(schemaId, definition))
        {
            case Decision.Drop:
                container.Remove(key);
                break;
            case Decision.Partial:
                var node = container[key];
                foreach (var element in node is JsonArray array ? array.OfType<JsonObject>() : node is JsonObject o ? [o] : [])
                {
                    foreach (var sub in element.Select(p => p.Key).ToList())
                    {
                        if (definition.FindSubAttribute(sub) is { } subDefinition && !KeepSub(schemaId, definition, subDefinition))
                        {
                            element.Remove(sub);
                        }
                    }
                }
                break;
        }
    }

    private enum Decision
    {
        Keep,
        Partial,
        Drop,
    }

    private Decision Decide(string schemaId, AttributeDefinition definition)
    {
        var key = Key(schemaId, definition.Name);
        if (definition.Returned == Returned.Never)
        {
            return Decision.Drop;
        }
        if (definition.Returned == Returned.Always)
        {
            return Decision.Keep;
        }
        if (_include.Count > 0)
        {
            if (_include.Contains(key) || _include.Contains(schemaId.ToLowerInvariant()))
            {
                return Decision.Keep;
            }
            return _include.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)) ? Decision.Partial : Decision.Drop;
        }
        if (definition.Returned == Returned.Request || _exclude.Contains(key) || _exclude.Contains(schemaId.ToLowerInvariant()))
        {
            return Decision.Drop;
        }
        return _exclude.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal)) ? Decision.Partial : Decision.Keep;
    }

    private bool KeepSub(string schemaId, AttributeDefinition parent, AttributeDefinition sub)
    {
        var key = Key(schemaId, parent.Name) + "." + sub.Name.ToLowerInvariant();
        if (sub.Returned == Returned.Never)
        {
            return false;
        }
        if (sub.Returned == Returned.Always)
        {
            return true;
        }
        return _include.Count > 0 ? _include.Contains(key) : !_exclude.Contains(key);
    }

    private static string Key(string schemaId, string attribute) => schemaId.ToLowerInvariant() + ":" + attribute.ToLowerInvariant();

    private static HashSet<string> Keys(ResourceTypeDefinition type, string? list)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(list))
        {
            return keys;
        }
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (type.FindExtension(raw) is { } whole)
            {
                keys.Add(whole.Id.ToLowerInvariant());
                continue;
            }
            if (AttributePath.TryParse(raw) is not { } path)
            {
                continue;
            }
            var resolved = AttributeResolver.Resolve(type, path);
            if (!resolved.IsSuccess || resolved.Value.Attribute is null)
            {
                continue;
            }
            var key = Key(resolved.Value.Schema.Id, resolved.Value.Attribute.Name);
            keys.Add(resolved.Value.SubAttribute is null ? key : key + "." + resolved.Value.SubAttribute.Name.ToLowerInvariant());
        }
        return keys;
    }
}
