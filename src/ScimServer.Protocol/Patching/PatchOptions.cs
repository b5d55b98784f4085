namespace ScimServer.Protocol.Patching;

/// <summary>How a PATCH treats the cases where clients and RFC 7644 disagree; the defaults are the RFC's.</summary>
/// <param name="CreateUnmatchedFilterValue">
/// <c>replace</c> through a value filter that matches no value (<c>emails[type eq "work"].value</c> on a user
/// without a work email): false answers 400 noTarget (RFC 7644 §3.5.2.3); true creates the value the filter
/// describes (its <c>eq</c> terms plus the new value), as Entra ID expects. <c>add</c> always creates it.
/// </param>
public sealed record PatchOptions(bool CreateUnmatchedFilterValue = false)
{
    public static readonly PatchOptions Rfc = new();
}
