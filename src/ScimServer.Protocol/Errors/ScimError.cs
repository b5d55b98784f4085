namespace ScimServer.Protocol.Errors;

/// <summary>
/// An expected failure, carried as a value until the HTTP edge turns it into a SCIM Error message
/// (RFC 7644 §3.12). <paramref name="Detail"/> is read by people: it names the attribute, position
/// or rule and says what to do.
/// </summary>
public sealed record ScimError(int Status, string? ScimType, string Detail)
{
    public static ScimError BadRequest(string scimType, string detail) => new(400, scimType, detail);
    public static ScimError InvalidFilter(string detail) => new(400, Errors.ScimType.InvalidFilter, detail);
    public static ScimError InvalidSyntax(string detail) => new(400, Errors.ScimType.InvalidSyntax, detail);
    public static ScimError InvalidPath(string detail) => new(400, Errors.ScimType.InvalidPath, detail);
    public static ScimError InvalidValue(string detail) => new(400, Errors.ScimType.InvalidValue, detail);
    public static ScimError NoTarget(string detail) => new(400, Errors.ScimType.NoTarget, detail);
    public static ScimError Mutability(string detail) => new(400, Errors.ScimType.Mutability, detail);
    public static ScimError Uniqueness(string detail) => new(409, Errors.ScimType.Uniqueness, detail);
    public static ScimError NotFound(string detail) => new(404, null, detail);
}
