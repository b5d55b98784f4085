using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Patching;

/// <summary>
/// Applies a PatchOp to a resource document (RFC 7644 §3.5.2). All operations apply to a copy, so a failure at
/// operation N leaves nothing changed: the caller stores the outcome only when every operation succeeded.
/// </summary>
public static class PatchApplier
{
    /// <param name="deferredAttributes">Core attributes the caller stores elsewhere (a group's "members"):
    /// their operations come back in <see cref="PatchOutcome.Deferred"/> instead of touching the document.</param>
    public static Result<PatchOutcome> Apply(
        JsonObject document, PatchRequest request, ResourceTypeDefinition type, IReadOnlySet<string>? deferredAttributes = null, PatchOptions? options = null)
    {
        var working = (JsonObject)document.DeepClone();
        var context = new Context(type, deferredAttributes ?? new HashSet<string>(), [], options ?? PatchOptions.Rfc);
        foreach (var operation in request.Operations)
        {
            try
            {
                ApplyOne(working, operation, context);
            }
            catch (ScimException e)
            {
                return e.Error with { Detail = $"Operations[{operation.Index}]: {e.Error.Detail}" };
            }
        }
        DropEmpty(working, type);
        var invalid = ResourceNormalizer.Validate(working, type);
        if (invalid is not null)
        {
            return invalid;
        }
        return Result<PatchOutcome>.Ok(new PatchOutcome(working, !JsonNode.DeepEquals(document, working), context.Deferred));
    }

    private sealed record Context(ResourceTypeDefinition Type, IReadOnlySet<string> DeferredAttributes, List<DeferredOperation> Deferred, PatchOptions Options);

    private sealed record Target(ResolvedAttribute Resolved, AttributeDefinition Attribute, AttributeDefinition? Sub, FilterNode? Filter, string Display);

    private static void ApplyOne(JsonObject document, PatchOperation operation, Context context)
    {
        if (operation.Path is null)
        {
            ApplyPathless(document, operation, context);
            return;
        }
        var path = operation.Path;
        var resolved = Require(AttributeResolver.Resolve(context.Type, path.Attribute));
        if (resolved.Attribute is null)
        {
            ApplyToExtension(document, operation, resolved.Schema, context);
            return;
        }
        var sub = resolved.SubAttribute;
        if (path.SubAttribute is not null)
        {
            if (resolved.Attribute.Type != AttributeType.Complex || sub is not null)
            {
                throw new ScimException(ScimError.InvalidPath($"'{path}' names a sub-attribute of something that has none."));
            }
            sub = resolved.Attribute.FindSubAttribute(path.SubAttribute)
                ?? throw new ScimException(ScimError.InvalidPath(AttributeResolver.NotASubAttribute(resolved.Attribute, path.SubAttribute)));
        }
        Apply(document, operation.Kind, new Target(resolved, resolved.Attribute, sub, path.ValueFilter, path.ToString()), operation.Value, pathless: false, context);
    }

    // RFC 7644 §3.5.2.1/3: without a path, "value" is an object of attributes to add or replace.
    private static void ApplyPathless(JsonObject document, PatchOperation operation, Context context)
    {
        if (operation.Kind == PatchOperationKind.Remove)
        {
            throw new ScimException(ScimError.NoTarget("\"remove\" needs a \"path\" naming the attribute or values to remove."));
        }
        if (operation.Value is not JsonObject values)
        {
            throw new ScimException(ScimError.InvalidValue(
                $"Without a \"path\", \"value\" must be an object of attributes to {operation.Kind.ToString().ToLowerInvariant()}."));
        }
        foreach (var (key, value) in values)
        {
            if (context.Type.FindExtension(key) is { } extension)
            {
                ApplyToExtension(document, operation with { Value = value }, extension, context);
                continue;
            }
            if (AttributePath.TryParse(key) is not { } path)
            {
                continue;
            }
            var resolved = AttributeResolver.Resolve(context.Type, path);
            if (!resolved.IsSuccess || resolved.Value.Attribute is null)
            {
                continue; // Unknown attributes are ignored here as they are on POST and PUT.
            }
            var target = new Target(resolved.Value, resolved.Value.Attribute, resolved.Value.SubAttribute, null, path.ToString());
            Apply(document, operation.Kind, target, value, pathless: true, context);
        }
    }

    private static void ApplyToExtension(JsonObject document, PatchOperation operation, SchemaDefinition extension, Context context)
    {
        if (operation.Kind == PatchOperationKind.Remove)
        {
            document.Remove(extension.Id);
            return;
        }
        if (operation.Value is not JsonObject values)
        {
            throw new ScimException(ScimError.InvalidValue($"The value for '{extension.Id}' must be an object of that extension's attributes."));
        }
        foreach (var (key, value) in values)
        {
            if (extension.FindAttribute(key) is not { } attribute)
            {
                continue;
            }
            var resolved = new ResolvedAttribute(extension, true, attribute, null);
            Apply(document, operation.Kind, new Target(resolved, attribute, null, null, extension.Id + ":" + attribute.Name), value, pathless: true, context);
        }
    }

    private static void Apply(JsonObject document, PatchOperationKind kind, Target target, JsonNode? value, bool pathless, Context context)
    {
        var attribute = target.Attribute;
        var leaf = target.Sub ?? attribute;
        if (attribute.Mutability == Mutability.ReadOnly || leaf.Mutability == Mutability.ReadOnly)
        {
            // Path-less bodies are often whole resources echoed back (with id, meta, groups): ignore, as PUT does.
            if (pathless)
            {
                return;
            }
            throw new ScimException(ScimError.Mutability($"'{target.Display}' is read-only and cannot be changed."));
        }
        if (target.Resolved.ExtensionKey is null && context.DeferredAttributes.Contains(attribute.Name))
        {
            Defer(kind, target, value, context);
            return;
        }
        var container = ResourceNormalizer.Container(document, target.Resolved.ExtensionKey, create: kind != PatchOperationKind.Remove);
        if (container is null)
        {
            return; // Removing from an extension the resource does not have: nothing to do.
        }
        if (target.Filter is not null)
        {
            ApplyFiltered(container, kind, target, value, context.Options);
        }
        else if (target.Sub is not null)
        {
            ApplySub(container, kind, target, value);
        }
        else
        {
            ApplyWhole(container, kind, target, value);
        }
    }

    private static void Defer(PatchOperationKind kind, Target target, JsonNode? value, Context context)
    {
        if (target.Sub is not null)
        {
            throw new ScimException(ScimError.Mutability(
                $"'{target.Display}': a {target.Attribute.Name} value cannot be edited in place; remove it and add the new one."));
        }
        BoundElementFilter? bound = null;
        if (target.Filter is not null)
        {
            bound = Bind(target);
            if (kind != PatchOperationKind.Remove)
            {
                throw new ScimException(ScimError.InvalidPath(
                    $"'{target.Display}': values of '{target.Attribute.Name}' are added or removed, not replaced through a filter."));
            }
        }
        var values = ValueNormalizer.Normalize(target.Attribute, BareIds(target.Attribute, value), target.Display) as JsonArray;
        context.Deferred.Add(new DeferredOperation(kind, target.Attribute.Name, target.Filter, values) { Bound = bound });
    }

    /// <summary>
    /// A member named by its id alone — <c>"value": "id"</c> or <c>["id1", "id2"]</c>, as Microsoft's SCIM validator
    /// sends for group members — means <c>{"value": "id"}</c>: an id is the only thing that names a member. Other
    /// multi-valued attributes still need objects.
    /// </summary>
    private static JsonNode? BareIds(AttributeDefinition attribute, JsonNode? value)
    {
        if (attribute.ValueSubAttribute is null)
        {
            return value;
        }
        static JsonNode? Wrap(JsonNode? item) =>
            item?.GetValueKind() == JsonValueKind.String ? new JsonObject { ["value"] = item.GetValue<string>() } : item?.DeepClone();
        return value switch
        {
            JsonArray array => new JsonArray(array.Select(Wrap).ToArray()),
            JsonValue => new JsonArray(Wrap(value)),
            _ => value,
        };
    }

    private static void ApplyWhole(JsonObject container, PatchOperationKind kind, Target target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var name = attribute.Name;
        if (kind == PatchOperationKind.Remove)
        {
            // Entra ID removes chosen values by sending them: {"op":"remove","path":"emails","value":[{…}]}.
            if (value is not null && attribute.MultiValued && container[name] is JsonArray current)
            {
                var doomed = ValueNormalizer.Normalize(attribute, value, target.Display) as JsonArray ?? [];
                foreach (var item in current.Where(e => doomed.Any(d => SameValue(attribute, e, d))).ToList())
                {
                    current.Remove(item);
                }
                return;
            }
            if (attribute.Required)
            {
                throw new ScimException(ScimError.InvalidValue($"'{target.Display}' is required and cannot be removed."));
            }
            container.Remove(name);
            return;
        }
        var normalized = ValueNormalizer.Normalize(attribute, value, target.Display);
        var existing = container[name];
        if (attribute.Mutability == Mutability.Immutable && !ResourceNormalizer.IsEmpty(existing) && !JsonNode.DeepEquals(existing, normalized))
        {
            throw new ScimException(ScimError.Mutability($"'{target.Display}' is immutable: it can be set once and not changed."));
        }
        if (normalized is null)
        {
            if (kind == PatchOperationKind.Replace)
            {
                container.Remove(name);
            }
            return;
        }
        if (attribute.MultiValued)
        {
            var incoming = (JsonArray)normalized;
            var array = kind == PatchOperationKind.Add && existing is JsonArray old ? old : [];
            var before = PrimaryValues(array);
            foreach (var item in incoming)
            {
                if (!array.Any(e => JsonNode.DeepEquals(e, item)))
                {
                    array.Add(item!.DeepClone());
                }
            }
            if (array.Parent is null)
            {
                container[name] = array;
            }
            DemoteOldPrimaries(array, before);
        }
        else if (attribute.Type == AttributeType.Complex && existing is JsonObject current)
        {
            // RFC 7644 §3.5.2.3: sub-attributes not named in the value are left unchanged, for add and replace alike.
            foreach (var (key, sub) in (JsonObject)normalized)
            {
                current[key] = sub!.DeepClone();
            }
        }
        else
        {
            container[name] = normalized;
        }
    }

    private static void ApplySub(JsonObject container, PatchOperationKind kind, Target target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var sub = target.Sub!;
        var normalized = kind == PatchOperationKind.Remove ? null : ValueNormalizer.Normalize(sub, value, target.Display);
        if (attribute.MultiValued)
        {
            // No filter: the sub-attribute of every value is the target.
            if (container[attribute.Name] is not JsonArray array)
            {
                if (normalized is not null)
                {
                    container[attribute.Name] = new JsonArray(new JsonObject { [sub.Name] = normalized });
                }
                return;
            }
            foreach (var element in array.OfType<JsonObject>())
            {
                SetOrRemove(element, sub.Name, normalized);
            }
            return;
        }
        var complex = container[attribute.Name] as JsonObject;
        if (complex is null)
        {
            if (normalized is null)
            {
                return;
            }
            complex = [];
            container[attribute.Name] = complex;
        }
        SetOrRemove(complex, sub.Name, normalized);
    }

    private static void ApplyFiltered(JsonObject container, PatchOperationKind kind, Target target, JsonNode? value, PatchOptions options)
    {
        var attribute = target.Attribute;
        if (!attribute.MultiValued)
        {
            throw new ScimException(ScimError.InvalidPath($"'{target.Display}': a value filter needs a multi-valued attribute, and '{attribute.Name}' is single-valued."));
        }
        var filter = Bind(target);
        var array = container[attribute.Name] as JsonArray;
        var matches = array?.Where(e => ElementFilterEvaluator.Matches(filter, attribute, e)).ToList() ?? [];
        if (kind == PatchOperationKind.Remove)
        {
            // Removing what is already gone succeeds: IdPs retry removals, and the end state is what they asked for.
            foreach (var match in matches)
            {
                if (target.Sub is null)
                {
                    array!.Remove(match);
                }
                else if (match is JsonObject element)
                {
                    element.Remove(target.Sub.Name);
                }
            }
            return;
        }
        var before = PrimaryValues(array ?? []);
        if (matches.Count == 0)
        {
            // RFC 7644 §3.5.2.3: a replace whose filter matches nothing is noTarget. Entra ID sends replace on
            // emails[type eq "work"].value for users with no work email yet and expects it created; add always
            // creates. Either way only a filter of plain equalities describes the value to create.
            if ((kind == PatchOperationKind.Replace && !options.CreateUnmatchedFilterValue)
                || attribute.Type != AttributeType.Complex || !TryTemplate(target.Filter!, attribute, out var created))
            {
                throw new ScimException(ScimError.NoTarget($"No value of '{attribute.Name}' matches '{target.Display}'."));
            }
            array ??= [];
            container[attribute.Name] = array;
            array.Add(created);
            matches.Add(created);
        }
        foreach (var match in matches.OfType<JsonObject>())
        {
            if (target.Sub is not null)
            {
                SetOrRemove(match, target.Sub.Name, ValueNormalizer.Normalize(target.Sub, value, target.Display));
                continue;
            }
            var replacement = ValueNormalizer.Normalize(attribute with { MultiValued = false }, value, target.Display) as JsonObject
                ?? throw new ScimException(ScimError.InvalidValue($"'{target.Display}' needs an object value."));
            if (kind == PatchOperationKind.Replace)
            {
                match.Clear();
            }
            foreach (var (key, sub) in replacement)
            {
                match[key] = sub!.DeepClone();
            }
        }
        DemoteOldPrimaries(container[attribute.Name] as JsonArray ?? [], before);
    }

    private static BoundElementFilter Bind(Target target)
    {
        var bound = BoundElementFilter.Bind(target.Filter!, target.Attribute);
        return bound.IsSuccess ? bound.Value : throw new ScimException(ScimError.InvalidPath($"'{target.Display}': {bound.Error.Detail}"));
    }

    // A filter of "sub eq literal" joined by "and" describes exactly one new value.
    private static bool TryTemplate(FilterNode filter, AttributeDefinition attribute, out JsonObject template)
    {
        template = [];
        var pending = new Stack<FilterNode>([filter]);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case LogicalNode { Operator: LogicalOperator.And } and:
                    pending.Push(and.Left);
                    pending.Push(and.Right);
                    break;
                case ComparisonNode { Operator: ComparisonOperator.Equal, Value: { Kind: not LiteralKind.Null } literal } c
                    when attribute.FindSubAttribute(c.Path.Name) is { } sub:
                    template[sub.Name] = ValueNormalizer.Normalize(sub, JsonNode.Parse(literal.ToString()), attribute.Name + "." + sub.Name);
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private static void SetOrRemove(JsonObject obj, string key, JsonNode? value)
    {
        if (value is null)
        {
            obj.Remove(key);
        }
        else
        {
            obj[key] = value;
        }
    }

    private static bool SameValue(AttributeDefinition attribute, JsonNode? existing, JsonNode? candidate)
    {
        if (attribute.Type != AttributeType.Complex || candidate is not JsonObject wanted || existing is not JsonObject have)
        {
            return JsonNode.DeepEquals(existing, candidate);
        }
        // Every sub-attribute the client named must match; "value" compares case-insensitively unless caseExact.
        return wanted.All(pair =>
        {
            var definition = attribute.FindSubAttribute(pair.Key);
            var mine = have[pair.Key];
            if (definition is { Type: AttributeType.String or AttributeType.Reference, CaseExact: false } &&
                mine?.GetValueKind() == JsonValueKind.String && pair.Value?.GetValueKind() == JsonValueKind.String)
            {
                return string.Equals(mine.GetValue<string>(), pair.Value.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            }
            return JsonNode.DeepEquals(mine, pair.Value);
        });
    }

    private static List<JsonObject> PrimaryValues(JsonArray array) =>
        array.OfType<JsonObject>().Where(o => o["primary"]?.GetValueKind() == JsonValueKind.True).ToList();

    // RFC 7644 §3.5.2: setting primary on one value clears it on the values that had it before.
    private static void DemoteOldPrimaries(JsonArray array, List<JsonObject> before)
    {
        var now = PrimaryValues(array);
        if (now.Count <= 1)
        {
            return;
        }
        foreach (var old in before.Where(o => now.Contains(o)))
        {
            if (now.Count(o => o["primary"]?.GetValueKind() == JsonValueKind.True) > 1)
            {
                old["primary"] = false;
            }
        }
    }

    private static void DropEmpty(JsonObject document, ResourceTypeDefinition type)
    {
        foreach (var key in document.Select(p => p.Key).ToList())
        {
            if (type.FindExtension(key) is not null && document[key] is JsonObject extension)
            {
                foreach (var inner in extension.Where(p => ResourceNormalizer.IsEmpty(p.Value)).Select(p => p.Key).ToList())
                {
                    extension.Remove(inner);
                }
            }
            if (ResourceNormalizer.IsEmpty(document[key]))
            {
                document.Remove(key);
            }
        }
    }

    private static T Require<T>(Result<T> result) =>
        result.IsSuccess ? result.Value : throw new ScimException(result.Error);
}
