using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Scim;

/// <summary>
/// A SCIM resource type as the shared handlers (<see cref="ScimResources"/>) see it: its schema, how to find and
/// list it, and its writes. The handlers read the request, run writes in a unit of work and write the response;
/// an implementation only deals with its own rows. Refusals are SCIM errors; 404 and 412 come from <see cref="ScimCall"/>.
/// </summary>
public interface IScimResource
{
    ResourceTypeDefinition Type { get; }

    Task<Result<ListPage<JsonObject>>> QueryAsync(ScimCall call, SearchParameters parameters, CancellationToken ct);

    Task<Result<Shown>> FindAsync(ScimCall call, string id, CancellationToken ct);

    Task<Result<Shown>> CreateAsync(ScimCall call, JsonObject document, CancellationToken ct);

    Task<Result<Shown>> ReplaceAsync(ScimCall call, string id, JsonObject document, CancellationToken ct);

    Task<Result<Shown>> PatchAsync(ScimCall call, string id, PatchRequest request, CancellationToken ct);

    Task<Result<Shown>> DeleteAsync(ScimCall call, string id, CancellationToken ct);
}

/// <summary>
/// A resource as the response shows it, before the attribute selection: <paramref name="Resource"/> null for a
/// 204, <paramref name="ETag"/> (its <c>meta.version</c>) null for none (a deleted resource).
/// </summary>
public sealed record Shown(JsonObject? Resource, string? ETag)
{
    public static readonly Shown Nothing = new(null, null);

    public static implicit operator Result<Shown>(Shown shown) => Result<Shown>.Ok(shown);
}
