namespace ScimServer.Protocol.Messages;

/// <summary>Weak entity tags for <c>meta.version</c> and the ETag header (RFC 7644 §3.14).</summary>
public static class ETag
{
    public static string FromVersion(uint version) => Of(version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A weak tag around <paramref name="opaque"/> (digits, letters and dashes: nothing to escape).</summary>
    public static string Of(string opaque) => "W/\"" + opaque + "\"";

    /// <summary>
    /// True when an If-Match / If-None-Match header value names <paramref name="current"/> or is <c>*</c>.
    /// Weak comparison: the <c>W/</c> prefix is ignored on both sides, as RFC 9110 §8.8.3.2 allows for these checks.
    /// </summary>
    public static bool Matches(string? header, string current)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }
        var opaque = Opaque(current);
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || Opaque(part) == opaque)
            {
                return true;
            }
        }
        return false;
    }

    private static string Opaque(string tag)
    {
        var t = tag.Trim();
        if (t.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }
        return t.Trim('"');
    }
}
