using ScimServer.Protocol.Filtering;

namespace ScimServer.Protocol.Paths;

/// <summary>
/// A PATCH <c>path</c> (RFC 7644 §3.5.2): <c>attrPath</c>, <c>valuePath</c> or <c>valuePath.subAttr</c>,
/// e.g. <c>emails[type eq "work"].value</c>.
/// </summary>
public sealed record PatchPath(AttributePath Attribute, FilterNode? ValueFilter, string? SubAttribute)
{
    public override string ToString()
    {
        var text = Attribute.ToString();
        if (ValueFilter is not null)
        {
            text += "[" + FilterPrinter.Print(ValueFilter) + "]";
        }
        return SubAttribute is null ? text : text + "." + SubAttribute;
    }
}
