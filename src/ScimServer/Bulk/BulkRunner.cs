using System.Text.Json.Nodes;
using ScimServer.Groups;
using ScimServer.Persistence;
using ScimServer.Protocol.Bulk;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Scim;
using ScimServer.Users;

namespace ScimServer.Bulk;

/// <summary>
/// Runs a bulk request's operations one by one, each in its own unit of work through the same resource code as a
/// single request, so every account rule (seats, the last Admin, the SSO gate) holds per operation and a refusal of
/// operation 7 leaves operations 1–6 in place (RFC 7644 §3.7: the server carries on past errors). Each operation
/// writes its own audit entry; all of them carry the bulk request's id.
/// </summary>
internal sealed partial class BulkRunner(ScimCaller caller, WriteUnit unit, ScimDbContext db, ScimUsers users, ScimGroups groups, ILogger<BulkRunner> logger)
{
    /// <summary>The outcomes of the operations that ran, in request order; those skipped after failOnErrors are left out.</summary>
    public async Task<List<JsonObject>> RunAsync(BulkRequest request, string baseUrl, CancellationToken ct)
    {
        var plan = BulkPlan.Of(request.Operations);
        var circleOf = plan.Circles.SelectMany(c => c.Select(i => (i, c))).ToDictionary(x => x.i, x => x.c);
        var position = plan.Order.Select((index, at) => (index, at)).ToDictionary(x => x.index, x => x.at);
        var results = new JsonObject?[request.Operations.Count];
        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        var failed = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = 0;
        void Note(BulkOperation op, Outcome outcome)
        {
            results[op.Index] = outcome.ToJson(op);
            if (outcome.Error is { } error)
            {
                errors++;
                if (op is { Method: BulkOperation.Post, Invalid: null, BulkId: { } failedId })
                {
                    failed[failedId] = error.Status;
                }
            }
            else if (op.BulkId is { } bulkId && outcome.Id is { } id && op.Method == BulkOperation.Post)
            {
                created[bulkId] = id;
            }
        }
        foreach (var index in plan.Order)
        {
            if (errors >= request.FailOnErrors)
            {
                break;
            }
            if (circleOf.TryGetValue(index, out var circle))
            {
                // A circle runs once, at its last member: by then everything its members name outside it has run.
                if (circle.Max(i => position[i]) == position[index])
                {
                    var members = circle.Select(i => request.Operations[i]).ToList();
                    foreach (var (op, outcome) in members.Zip(await RunCircleAsync(members, plan, created, failed, baseUrl, ct)))
                    {
                        Note(op, outcome);
                    }
                }
                continue;
            }
            var single = request.Operations[index];
            Note(single, await RunAsync(single, plan.References[index], created, failed, baseUrl, ct));
        }
        return results.OfType<JsonObject>().ToList();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "One operation's fault must not hide the outcomes of those already committed: it becomes that operation's 500.")]
    private async Task<Outcome> RunAsync(BulkOperation op, IReadOnlyList<string> references, Dictionary<string, string> created, Dictionary<string, int> failed, string baseUrl, CancellationToken ct)
    {
        var (path, data) = op.Invalid is null ? BulkReferences.Resolve(op, created) : (op.Path, null);
        var target = Target(path);
        caller.Audit.StartOperation(ActionName(op.Method, target.Resource));
        var error = op.Invalid ?? Unresolved(op, references, path, created, failed) ?? target.Error;
        if (error is null)
        {
            try
            {
                var written = await WriteAsync(op, target.Resource!, Call(target.Resource!, baseUrl, op.Version), target.Id, data, ct);
                if (written.IsSuccess)
                {
                    var shown = written.Value;
                    var id = shown.Resource?["id"]?.GetValue<string>() ?? target.Id!;
                    return new Outcome(Status(op.Method, shown), Location(baseUrl, target.Resource!, id), shown.ETag, id, null);
                }
                error = written.Error;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError("Bulk operation {Index} ({Method}) failed with {Exception}; it was rolled back", op.Index, op.Method, e.GetType().Name);
                error = Failure;
            }
        }
        await RecordRefusalAsync(target, error, ct);
        var location = target.Resource is not null && target.Id is not null ? Location(baseUrl, target.Resource, target.Id) : null;
        return new Outcome(error.Status, location, null, null, error);
    }

    private async Task<Result<Shown>> WriteAsync(BulkOperation op, IScimResource resource, ScimCall call, string? id, JsonNode? data, CancellationToken ct)
    {
        Func<CancellationToken, Task<Result<Shown>>> work;
        switch (op.Method)
        {
            case BulkOperation.Post or BulkOperation.Put:
                var document = ResourceNormalizer.Normalize((JsonObject)data!, resource.Type);
                if (!document.IsSuccess)
                {
                    return document.Error;
                }
                work = op.Method == BulkOperation.Post
                    ? token => resource.CreateAsync(call, document.Value, token)
                    : token => resource.ReplaceAsync(call, id!, document.Value, token);
                break;
            case BulkOperation.Patch:
                var patch = PatchRequest.Parse(data);
                if (!patch.IsSuccess)
                {
                    return patch.Error;
                }
                work = token => resource.PatchAsync(call, id!, patch.Value, token);
                break;
            default:
                work = token => resource.DeleteAsync(call, id!, token);
                break;
        }
        return (await unit.RunAsync(call.HasIfMatch, work, shown => Status(op.Method, shown), ct)).AsResult();
    }

    /// <summary>What an operation that met a fault answers (the fault itself is logged, without the request's values).</summary>
    private static readonly ScimError Failure = new(500, null, "The operation failed on the server and was rolled back; the operations before it stand. Retry it on its own.");

    /// <summary>The resource type and id an operation's path names (after its bulkId references are resolved).</summary>
    private (IScimResource? Resource, string? Id, ScimError? Error) Target(string path)
    {
        var parts = path.Trim().Trim('/').Split('/');
        IScimResource? resource = string.Equals(parts[0], "Users", StringComparison.OrdinalIgnoreCase) ? users
            : string.Equals(parts[0], "Groups", StringComparison.OrdinalIgnoreCase) ? groups
            : null;
        if (resource is null || parts.Length > 2)
        {
            return (null, null, ScimError.InvalidPath($"path \"{path}\" names no resource here; use /Users, /Groups, /Users/{{id}} or /Groups/{{id}}."));
        }
        return (resource, parts.Length == 2 ? parts[1] : null, null);
    }

    /// <summary>
    /// A reference to no POST or to a failed one, or a path of the wrong kind for the method (<paramref name="path"/> is
    /// resolved); references to <paramref name="circle"/> (the operation's own circle) are resolved later.
    /// </summary>
    private static ScimError? Unresolved(
        BulkOperation op, IReadOnlyList<string> references, string path, Dictionary<string, string> created, Dictionary<string, int> failed, IReadOnlySet<string>? circle = null)
    {
        foreach (var bulkId in references.Where(b => circle?.Contains(b) != true))
        {
            if (failed.TryGetValue(bulkId, out var status))
            {
                return new ScimError(409, null, $"bulkId \"{bulkId}\" names a POST that failed ({status}), so this operation cannot refer to it.");
            }
            if (!created.ContainsKey(bulkId))
            {
                return ScimError.InvalidValue($"bulkId \"{bulkId}\" is not the bulkId of any POST in this request.");
            }
        }
        var hasId = path.Trim().Trim('/').Contains('/', StringComparison.Ordinal);
        return (op.Method == BulkOperation.Post) == hasId
            ? ScimError.InvalidPath(op.Method == BulkOperation.Post
                ? $"A POST names an endpoint (\"/Users\" or \"/Groups\"), not a resource; path is \"{op.Path}\"."
                : $"A {op.Method} names a resource (\"/Users/{{id}}\"); path is \"{op.Path}\".")
            : null;
    }

    private async Task RecordRefusalAsync((IScimResource? Resource, string? Id, ScimError? Error) target, ScimError error, CancellationToken ct)
    {
        var trail = caller.Audit;
        if (trail.Subject is null && target.Resource is not null && Guid.TryParse(target.Id, out var id))
        {
            trail.About(target.Resource.Type.Name, id, null);
        }
        trail.Refusal = (error.ScimType, error.Detail);
        await trail.RecordRefusalAsync(db, error.Status, null, ct);
    }

    /// <summary>How an operation on <paramref name="resource"/> is seen: all of it, at the base URL, under the If-Match <paramref name="version"/>.</summary>
    private ScimCall Call(IScimResource resource, string baseUrl, string? version = null) =>
        new(caller, resource.Type, AttributeSelection.Default(resource.Type), baseUrl, false, version);

    private static string Location(string baseUrl, IScimResource resource, string id) => $"{baseUrl}{resource.Type.Endpoint}/{id}";

    private static int Status(string method, Shown shown) =>
        shown.Resource is null ? 204 : method == BulkOperation.Post ? 201 : 200;

    /// <summary>The audit action: the name the same single request's endpoint has (CreateUser, PatchGroup, …).</summary>
    private static string ActionName(string method, IScimResource? resource) => resource is null ? "Bulk" : method switch
    {
        BulkOperation.Post => "Create",
        BulkOperation.Put => "Replace",
        BulkOperation.Patch => "Patch",
        _ => "Delete",
    } + resource.Type.Name;

    private sealed record Outcome(int Status, string? Location, string? Version, string? Id, ScimError? Error)
    {
        public JsonObject ToJson(BulkOperation op)
        {
            var json = new JsonObject { ["method"] = op.Method };
            if (op.BulkId is not null)
            {
                json["bulkId"] = op.BulkId;
            }
            if (Location is not null)
            {
                json["location"] = Location;
            }
            if (Version is not null)
            {
                json["version"] = Version;
            }
            json["status"] = BulkOperation.Status(Status);
            if (Error is not null)
            {
                json["response"] = ErrorMessage.ToJson(Error);
            }
            return json;
        }
    }
}
