using System.Text.Json.Nodes;

namespace ScimServer.Protocol.Patching;

/// <summary>The patched document, whether it changed, and the operations left to the caller.</summary>
public sealed record PatchOutcome(JsonObject Document, bool DocumentChanged, IReadOnlyList<DeferredOperation> Deferred);
