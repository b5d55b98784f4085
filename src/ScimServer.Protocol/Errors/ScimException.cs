namespace ScimServer.Protocol.Errors;

/// <summary>
/// Carries a <see cref="ScimError"/> out of deep recursion inside the protocol library. It never
/// crosses the library's public surface: public entry points catch it and return the error as a value.
/// </summary>
internal sealed class ScimException(ScimError error) : Exception(error.Detail)
{
    public ScimError Error { get; } = error;
}
