using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.Audit;

/// <summary>
/// Collects what one request (or CLI command) changed and writes it to the audit log. Changes are written by
/// <see cref="FlushAsync"/> inside the request's own transaction (<see cref="WriteUnit"/> calls it just before
/// commit), so an entry exists exactly when its change does. A refused request changed nothing; its entry is
/// written on its own by <see cref="AuditMiddleware"/> once the response status is known.
/// </summary>
public sealed class AuditTrail
{
    private readonly List<Pending> _pending = [];
    private HttpContext? _http;

    public AuditTrail()
    {
    }

    /// <summary>A trail for work outside HTTP (the CLI).</summary>
    public AuditTrail(AuditActor actor) => Actor = actor;

    /// <summary>Set explicitly when the request's principal does not say who it was (sign-in, a failed token).</summary>
    public AuditActor? Actor { get; set; }

    /// <summary>The chain entries go to; defaults to the route's account, then the SCIM token's.</summary>
    public Guid? AccountId { get; set; }

    /// <summary>Defaults to the endpoint name.</summary>
    public string? Action { get; set; }

    /// <summary>What the request is about, for its entry even when it is refused.</summary>
    public (string Type, string Id, string? Name)? Subject { get; private set; }

    /// <summary>The problem code and detail of a refusal, noted by whatever wrote the error response.</summary>
    public (string? Code, string Detail)? Refusal { get; set; }

    /// <summary>Whether entries were written for this request (so the middleware adds none).</summary>
    public bool Written { get; private set; }

    public void Begin(HttpContext context) => _http = context;

    public void About(string type, Guid id, string? name) => Subject = (type, id.ToString(), name);

    /// <summary>
    /// Starts one operation of a /Bulk request: its entries get <paramref name="action"/> and their own subject, and
    /// share the request's id with the other operations'.
    /// </summary>
    public void StartOperation(string action)
    {
        Action = action;
        Subject = null;
        Refusal = null;
        _pending.Clear();
    }

    /// <summary>Records a successful change of <see cref="Subject"/>; written at commit, dropped on rollback.</summary>
    /// <remarks>The entry takes the action and subject in force now (a /Bulk circle records several operations in one unit of work).</remarks>
    public void Record(JsonObject? changes, string? action = null, Guid? accountId = null) =>
        _pending.Add(new Pending(accountId, action ?? Action, Subject, changes));

    /// <summary>Records a change of something other than the request's subject (a side effect, like a team an import creates).</summary>
    public void RecordOf(string type, Guid id, string? name, JsonObject? changes, string action) =>
        _pending.Add(new Pending(null, action, (type, id.ToString(), name), changes));

    /// <summary>Drops what a rolled-back attempt recorded (the unit of work is retried from scratch).</summary>
    public void Discard() => _pending.Clear();

    /// <summary>Writes the recorded changes in the caller's transaction.</summary>
    public async Task FlushAsync(ScimDbContext db, int status, CancellationToken ct)
    {
        if (_pending.Count == 0 && _http is not null && !HttpMethods.IsGet(_http.Request.Method))
        {
            // A committed request that named no change of its own still leaves its trace (what, who, on what).
            _pending.Add(new Pending(null, null, Subject ?? RouteSubject(), null));
        }
        if (_pending.Count == 0)
        {
            return;
        }
        var rows = _pending.Select(p => NewRow(p.AccountId, p.Action, p.Subject, "Success", status, null, null, p.Changes)).ToList();
        await InsertAsync(db, rows, ct);
        Hosting.ScimMetrics.AuditWritten("Success", rows.Count);
        _pending.Clear();
        Written = true;
    }

    /// <summary>The entry of a request that was refused (4xx) or failed (5xx), in a transaction of its own.</summary>
    public async Task RecordRefusalAsync(ScimDbContext db, int status, string? code, CancellationToken ct)
    {
        var row = NewRow(null, null, Subject ?? RouteSubject(), status >= 500 ? "Failed" : "Refused", status,
            Refusal?.Code ?? code, Refusal?.Detail, null);
        db.ChangeTracker.Clear();
        await InsertAsync(db, [row], ct);
        Hosting.ScimMetrics.AuditWritten(row.Outcome, 1);
        Written = true;
    }

    private Row NewRow(Guid? accountId, string? action, (string Type, string Id, string? Name)? subject, string outcome, int status, string? code, string? detail, JsonObject? changes)
    {
        var actor = Actor ?? (_http is null ? AuditActor.Cli() : AuditActor.Of(_http.User));
        return new Row(
            accountId ?? AccountId ?? ContextAccount(),
            actor,
            action ?? Action ?? EndpointName(),
            subject?.Type, subject?.Id, Protocol.Resources.StorableText.Clean(subject?.Name),
            outcome, status, code, Protocol.Resources.StorableText.Clean(detail), changes?.ToJsonString(),
            _http?.TraceIdentifier,
            Activity.Current?.TraceId.ToString(),
            _http?.Connection.RemoteIpAddress?.ToString());
    }

    private Guid ContextAccount()
    {
        if (_http?.GetRouteValue("accountId") is string route && Guid.TryParse(route, out var routed))
        {
            return routed;
        }
        return Guid.TryParse(_http?.User.FindFirst(ScimTokenDefaults.AccountClaim)?.Value, out var scim) ? scim : Guid.Empty;
    }

    private string EndpointName() =>
        _http?.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
        ?? (_http is null ? "cli" : $"{_http.Request.Method} {_http.Request.Path}");

    private (string Type, string Id, string? Name)? RouteSubject()
    {
        foreach (var (key, type) in new[] { ("userId", "User"), ("teamId", "Group"), ("tokenId", "ScimToken"), ("connectionId", "ScimConnection") })
        {
            if (_http?.GetRouteValue(key) is string value)
            {
                return (type, value, null);
            }
        }
        if (_http?.GetRouteValue("id") is string id)
        {
            var path = _http.Request.Path.Value ?? "";
            return (path.Contains("/Groups/", StringComparison.Ordinal) ? "Group" : "User", id, null);
        }
        return null;
    }

    private static async Task InsertAsync(ScimDbContext db, List<Row> rows, CancellationToken ct)
    {
        // One statement for the batch; the append trigger numbers and chains each row in order.
        const string sql = """
            INSERT INTO audit_log (account_id, actor_type, actor_id, actor_name, connection_id, action, target_type, target_id,
                target_name, outcome, status, code, detail, changes, request_id, trace_id, client_address)
            SELECT * FROM unnest(@account, @actor_type, @actor_id, @actor_name, @connection, @action, @target_type, @target_id,
                @target_name, @outcome, @status, @code, @detail, @changes::jsonb[], @request_id, @trace_id, @client_address)
            """;
        NpgsqlParameter P<T>(string name, NpgsqlDbType type, Func<Row, T> pick) =>
            new(name, NpgsqlDbType.Array | type) { Value = rows.Select(pick).ToArray() };
        await db.Database.ExecuteSqlRawAsync(sql,
        [
            P("account", NpgsqlDbType.Uuid, r => r.AccountId),
            P("actor_type", NpgsqlDbType.Text, r => r.Actor.Type),
            P("actor_id", NpgsqlDbType.Text, r => r.Actor.Id),
            P("actor_name", NpgsqlDbType.Text, r => r.Actor.Name),
            P("connection", NpgsqlDbType.Uuid, r => r.Actor.ConnectionId),
            P("action", NpgsqlDbType.Text, r => r.Action),
            P("target_type", NpgsqlDbType.Text, r => r.TargetType),
            P("target_id", NpgsqlDbType.Text, r => r.TargetId),
            P("target_name", NpgsqlDbType.Text, r => r.TargetName),
            P("outcome", NpgsqlDbType.Text, r => r.Outcome),
            P("status", NpgsqlDbType.Integer, r => r.Status),
            P("code", NpgsqlDbType.Text, r => r.Code),
            P("detail", NpgsqlDbType.Text, r => r.Detail),
            P("changes", NpgsqlDbType.Text, r => r.Changes),
            P("request_id", NpgsqlDbType.Text, r => r.RequestId),
            P("trace_id", NpgsqlDbType.Text, r => r.TraceId),
            P("client_address", NpgsqlDbType.Text, r => r.ClientAddress),
        ], ct);
    }

    private sealed record Pending(Guid? AccountId, string? Action, (string Type, string Id, string? Name)? Subject, JsonObject? Changes);

    private sealed record Row(
        Guid AccountId, AuditActor Actor, string Action, string? TargetType, string? TargetId, string? TargetName,
        string Outcome, int Status, string? Code, string? Detail, string? Changes, string? RequestId, string? TraceId, string? ClientAddress);
}
