namespace ScimServer.Protocol.Paths;

/// <summary>
/// An attribute reference as written in a filter or PATCH path (RFC 7644 §3.10):
/// optional schema URN, attribute name, optional sub-attribute. Names are kept as written;
/// resolution against a schema is case-insensitive (<see cref="AttributeResolver"/>).
/// </summary>
public sealed record AttributePath(string? SchemaUrn, string Name, string? SubAttribute)
{
    public override string ToString()
    {
        var core = SubAttribute is null ? Name : Name + "." + SubAttribute;
        return SchemaUrn is null ? core : SchemaUrn + ":" + core;
    }

    /// <summary>Splits <c>urn:…:User:name.familyName</c>, <c>name.familyName</c> or <c>userName</c>.</summary>
    public static AttributePath? TryParse(string text)
    {
        string? urn = null;
        var rest = text;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            urn = text[..colon];
            rest = text[(colon + 1)..];
        }
        // The URN itself may hold dots ("2.0"), so only the part after the last colon is split.
        var parts = rest.Split('.');
        if (parts.Length > 2 || !parts.All(IsAttributeName))
        {
            return null;
        }
        return new AttributePath(urn, parts[0], parts.Length == 2 ? parts[1] : null);
    }

    /// <summary>ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 §2.1), plus "$ref".</summary>
    internal static bool IsAttributeName(string name) =>
        name == "$ref" ||
        (name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}
