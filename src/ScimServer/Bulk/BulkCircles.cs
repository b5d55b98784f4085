using System.Text.Json.Nodes;
using ScimServer.Protocol.Bulk;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Scim;

namespace ScimServer.Bulk;

internal sealed partial class BulkRunner
{
    /// <summary>
    /// A circle of POSTs whose data name each other (RFC 7644 §3.7.1, e.g. two groups that are members of each other),
    /// resolved in one unit of work: each resource is created without what names the others, then PATCHed with it once
    /// they all exist. All or nothing: when any step is refused nothing of the circle stays, the step's operation
    /// answers the refusal and the others a 409 that names it.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A circle's fault must not hide the outcomes of the operations already committed: it becomes its members' 500.")]
    private async Task<List<Outcome>> RunCircleAsync(
        List<BulkOperation> members, BulkPlan plan, Dictionary<string, string> created, Dictionary<string, int> failed, string baseUrl, CancellationToken ct)
    {
        var circle = members.Select(m => m.BulkId!).ToHashSet(StringComparer.Ordinal);
        var steps = new List<Step>();
        foreach (var op in members)
        {
            var (path, _) = BulkReferences.Resolve(op, created);
            var target = Target(path);
            var error = Unresolved(op, plan.References[op.Index], path, created, failed, circle) ?? target.Error;
            if (error is not null)
            {
                return await FailAsync(members, op, error, ct);
            }
            var (now, later) = BulkReferences.Defer((JsonObject)op.Data!, circle);
            var (_, data) = BulkReferences.Resolve(op with { Data = now }, created);
            var document = ResourceNormalizer.Normalize((JsonObject)data!, target.Resource!.Type);
            if (!document.IsSuccess)
            {
                return await FailAsync(members, op, document.Error, ct);
            }
            steps.Add(new Step(op, target.Resource, document.Value, later));
        }

        caller.Audit.StartOperation(ActionName(BulkOperation.Post, steps[0].Resource));
        var current = 0;
        Result<Shown[]> written;
        try
        {
            written = await WriteCircleAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("A bulk circle of {Count} operations failed with {Exception}; it was rolled back", steps.Count, e.GetType().Name);
            written = Failure;
        }
        if (!written.IsSuccess)
        {
            return await FailAsync(members, steps[Math.Min(current, steps.Count - 1)].Op, written.Error, ct);
        }
        return steps.Select((step, i) =>
        {
            var id = written.Value[i].Resource!["id"]!.GetValue<string>();
            return new Outcome(201, Location(baseUrl, step.Resource, id), written.Value[i].ETag, id, null);
        }).ToList();

        async Task<Result<Shown[]>> WriteCircleAsync() => (await unit.RunAsync(false, async token =>
        {
            var ids = new Dictionary<string, string>(created, StringComparer.Ordinal);
            var shown = new Shown[steps.Count];
            for (current = 0; current < steps.Count; current++)
            {
                var step = steps[current];
                caller.Audit.Action = ActionName(BulkOperation.Post, step.Resource);
                var made = await step.Resource.CreateAsync(Call(step.Resource, baseUrl), step.Document, token);
                if (!made.IsSuccess)
                {
                    return made.Error;
                }
                shown[current] = made.Value;
                ids[step.Op.BulkId!] = made.Value.Resource!["id"]!.GetValue<string>();
            }
            for (current = 0; current < steps.Count; current++)
            {
                var step = steps[current];
                if (step.Later.Count == 0)
                {
                    continue;
                }
                // The references deferred at creation, as the PATCH that adds them, resolved now that all exist.
                var message = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.PatchOp), ["Operations"] = step.Later.DeepClone() };
                var (_, resolved) = BulkReferences.Resolve(step.Op with { Path = "", Data = message }, ids);
                var patch = PatchRequest.Parse(resolved);
                if (!patch.IsSuccess)
                {
                    return patch.Error;
                }
                caller.Audit.Action = ActionName(BulkOperation.Post, step.Resource);
                db.ChangeTracker.Clear(); // the PATCH loads the row it was created as, like any write
                var patched = await step.Resource.PatchAsync(Call(step.Resource, baseUrl), ids[step.Op.BulkId!], patch.Value, token);
                if (!patched.IsSuccess)
                {
                    return patched.Error;
                }
                shown[current] = shown[current] with { ETag = patched.Value.ETag ?? shown[current].ETag };
            }
            return Result<Shown[]>.Ok(shown);
        }, _ => 201, ct)).AsResult();
    }

    /// <summary>The circle's refusal: <paramref name="culprit"/> answers <paramref name="error"/>, the other members a 409 that names it; each is audited.</summary>
    private async Task<List<Outcome>> FailAsync(List<BulkOperation> members, BulkOperation culprit, ScimError error, CancellationToken ct)
    {
        var outcomes = new List<Outcome>();
        foreach (var op in members)
        {
            var own = op == culprit ? error : new ScimError(409, null,
                $"Created together with Operations[{culprit.Index}] (their data name each other by bulkId), which was refused ({error.Status}: {error.Detail}); none of them was kept.");
            var target = Target(op.Path);
            caller.Audit.StartOperation(ActionName(op.Method, target.Resource));
            await RecordRefusalAsync(target, own, ct);
            outcomes.Add(new Outcome(own.Status, null, null, null, own));
        }
        return outcomes;
    }

    private sealed record Step(BulkOperation Op, IScimResource Resource, JsonObject Document, JsonArray Later);
}
