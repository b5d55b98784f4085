using System.Text.RegularExpressions;

namespace ScimServer.IntegrationTests.Support;

/// <summary>A console form posted without a browser: the page's antiforgery token, the form's name and its fields.</summary>
public static partial class ConsoleForm
{
    public static FormUrlEncodedContent Of(string page, string formName, params (string Name, string Value)[] fields) => new(
        new[] { ("__RequestVerificationToken", Token().Match(page).Groups[1].Value), ("_handler", formName) }
            .Concat(fields).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
