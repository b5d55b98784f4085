using System.Globalization;

namespace ScimServer.WebConsole;

/// <summary>How the console writes a moment: UTC to the minute, the same on every page.</summary>
internal static class ConsoleText
{
    public static string When(DateTimeOffset? at, string none = "never") =>
        at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? none;
}
