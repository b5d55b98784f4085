using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.OData.Query.Validator;
using Microsoft.AspNetCore.OData.Query.Wrapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;
using Microsoft.OData.UriParser;
using ScimServer.Protocol.Errors;

namespace ScimServer.Audit;

/// <summary>
/// OData query options over one chain of the audit log ($filter, $orderby, $top, $skip, $count, $select), parsed
/// and applied by Microsoft.AspNetCore.OData to an EF query, so they become one indexed SQL statement.
/// Names are camelCase (<c>$filter=action eq 'CreateUser' and at ge 2026-11-01T00:00:00Z</c>).
/// </summary>
public static class AuditQuery
{
    public const int DefaultTop = 100;
    public const int MaxTop = 1000;

    private static readonly IEdmModel Model = BuildModel();

    private static readonly ODataValidationSettings Validation = new()
    {
        MaxTop = MaxTop,
        MaxSkip = 10_000_000,
        MaxNodeCount = 100,
        AllowedQueryOptions = AllowedQueryOptions.Filter | AllowedQueryOptions.OrderBy | AllowedQueryOptions.Top
            | AllowedQueryOptions.Skip | AllowedQueryOptions.Count | AllowedQueryOptions.Select,
    };

    private static readonly ODataQuerySettings Settings = new() { HandleNullPropagation = HandleNullPropagationOption.False };

    /// <summary>The options of the request, validated; or a 400 naming what is wrong.</summary>
    public static Result<ODataQueryOptions<AuditEntry>> Parse(HttpRequest request)
    {
        try
        {
            var options = new ODataQueryOptions<AuditEntry>(new ODataQueryContext(Model, typeof(AuditEntry), new ODataPath()), request);
            options.Validate(Validation);
            return Result<ODataQueryOptions<AuditEntry>>.Ok(options);
        }
        catch (Exception e) when (e is ODataException or ArgumentException or InvalidOperationException)
        {
            return ScimError.BadRequest(ScimType.InvalidFilter, "The audit query is not valid: " + e.Message);
        }
    }

    /// <summary>Only <c>$filter</c> and <c>$orderby</c> applied (exports stream every match; default order: oldest first).</summary>
    public static IQueryable<AuditEntry> Filtered(IQueryable<AuditEntry> entries, ODataQueryOptions<AuditEntry> options, bool newestFirst)
    {
        if (options.Filter is not null)
        {
            entries = (IQueryable<AuditEntry>)options.Filter.ApplyTo(entries, Settings);
        }
        return options.OrderBy is not null
            ? options.OrderBy.ApplyTo(entries, Settings)
            : newestFirst ? entries.OrderByDescending(e => e.Seq) : entries.OrderBy(e => e.Seq);
    }

    /// <summary>One page: <c>{"@odata.count", "value": [...], "@odata.nextLink"}</c>.</summary>
    public static async Task<JsonObject> PageAsync(IQueryable<AuditEntry> chain, ODataQueryOptions<AuditEntry> options, HttpRequest request, CancellationToken ct)
    {
        var filtered = options.Filter is null ? chain : (IQueryable<AuditEntry>)options.Filter.ApplyTo(chain, Settings);
        var ordered = Filtered(chain, options, newestFirst: true);
        var skip = options.Skip?.Value ?? 0;
        var top = options.Top?.Value ?? DefaultTop;
        // One row more than asked tells whether a next page exists without counting.
        IQueryable page = ordered.Skip(skip).Take(top + 1);
        if (options.SelectExpand is not null)
        {
            page = options.SelectExpand.ApplyTo(page, Settings);
        }
        var rows = new List<object>();
        await foreach (var row in ((IQueryable<object>)page).AsAsyncEnumerable().WithCancellation(ct))
        {
            rows.Add(row);
        }
        var body = new JsonObject();
        if (options.Count?.Value == true)
        {
            body["@odata.count"] = await filtered.LongCountAsync(ct);
        }
        body["value"] = new JsonArray(rows.Take(top).Select(Render).ToArray());
        if (rows.Count > top)
        {
            body["@odata.nextLink"] = NextLink(request, skip + top);
        }
        return body;
    }

    public static JsonObject Render(object row)
    {
        var values = row is ISelectExpandWrapper wrapper ? wrapper.ToDictionary() : Properties((AuditEntry)row);
        var json = new JsonObject();
        foreach (var (key, value) in values)
        {
            var name = char.ToLowerInvariant(key[0]) + key[1..];
            json[name] = name == "changes" && value is string text ? JsonNode.Parse(text) : System.Text.Json.JsonSerializer.SerializeToNode(value);
        }
        return json;
    }

    private static Dictionary<string, object?> Properties(AuditEntry e) => new()
    {
        ["seq"] = e.Seq, ["at"] = e.At, ["accountId"] = e.AccountId,
        ["actorType"] = e.ActorType, ["actorId"] = e.ActorId, ["actorName"] = e.ActorName, ["connectionId"] = e.ConnectionId,
        ["action"] = e.Action, ["targetType"] = e.TargetType, ["targetId"] = e.TargetId, ["targetName"] = e.TargetName,
        ["outcome"] = e.Outcome, ["status"] = e.Status, ["code"] = e.Code, ["detail"] = e.Detail, ["changes"] = e.Changes,
        ["requestId"] = e.RequestId, ["traceId"] = e.TraceId, ["clientAddress"] = e.ClientAddress, ["erasedAt"] = e.ErasedAt,
    };

    private static string NextLink(HttpRequest request, int skip)
    {
        var query = request.Query.Where(q => q.Key != "$skip").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"$skip={skip}");
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join("&", query)}";
    }

    private static IEdmModel BuildModel()
    {
        var builder = new ODataConventionModelBuilder();
        var entry = builder.EntitySet<AuditEntry>("audit").EntityType.HasKey(e => new { e.AccountId, e.Seq });
        entry.Filter().OrderBy().Select().Count().Page(MaxTop, DefaultTop);
        // jsonb: selectable, not a string PostgreSQL can search or sort (filter on targetId or action instead).
        entry.Property(e => e.Changes).IsNotFilterable().IsNotSortable();
        builder.EnableLowerCamelCase();
        return builder.GetEdmModel();
    }
}
