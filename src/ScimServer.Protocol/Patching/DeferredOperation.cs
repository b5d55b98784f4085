using System.Text.Json.Nodes;
using ScimServer.Protocol.Filtering;

namespace ScimServer.Protocol.Patching;

/// <summary>
/// An operation on an attribute the caller stores outside the document (a group's <c>members</c>), handed back
/// in request order so it can be applied set-based: adding one member never loads the member list.
/// <see cref="Values"/> are normalized values; <see cref="Filter"/> is a value filter as sent, <see cref="Bound"/> the
/// same filter bound to the attribute.
/// </summary>
public sealed record DeferredOperation(PatchOperationKind Kind, string Attribute, FilterNode? Filter, JsonArray? Values)
{
    public BoundElementFilter? Bound { get; init; }
}
