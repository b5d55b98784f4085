using System.Text.Json.Nodes;
using ScimServer.Protocol.Paths;

namespace ScimServer.Protocol.Patching;

/// <summary>One entry of a PatchOp's <c>Operations</c> array, with its path already parsed.</summary>
public sealed record PatchOperation(PatchOperationKind Kind, PatchPath? Path, JsonNode? Value, int Index);
