namespace ScimServer.WebConsole;

/// <summary>
/// The console's search box in the SCIM filter language, so one engine (the parser and its SQL translation, with its
/// indexes) answers both the API and the console: a filter as typed, or plain words as a match on the names.
/// </summary>
internal static class ConsoleSearch
{
    private static readonly string[] Operators = [" eq ", " ne ", " co ", " sw ", " ew ", " gt ", " ge ", " lt ", " le ", " pr"];

    public static string ToFilter(string text)
    {
        var trimmed = text.Trim();
        if (Operators.Any(o => trimmed.Contains(o, StringComparison.OrdinalIgnoreCase)))
        {
            return trimmed;
        }
        var literal = "\"" + trimmed.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $"userName co {literal} or displayName co {literal}";
    }
}
