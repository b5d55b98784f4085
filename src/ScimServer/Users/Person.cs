using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimServer.Users;

/// <summary>
/// Who a SCIM User document is in the account model's terms: an email address and a first and last name.
/// SCIM itself requires neither (userName is any unique string, RFC 7643 §4.1.1), so they are read from where
/// clients put them, and names an IdP leaves out are derived.
/// </summary>
/// <param name="NamesFrom">Where missing names were derived from ("name.formatted", "displayName", "email", "userName"), or null when the IdP sent both.</param>
internal sealed partial record Person(string? Email, string? GivenName, string? FamilyName, string? NamesFrom)
{
    /// <summary>Email: userName when it is an address, else the primary, the work, then the first address of <c>emails</c>.</summary>
    public static string? EmailOf(JsonObject document)
    {
        if (Text(document["userName"]) is { } userName && IsAddress(userName))
        {
            return userName;
        }
        var emails = (document["emails"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => Text(e["value"]) is { } value && IsAddress(value))
            .ToList();
        var chosen = emails.FirstOrDefault(e => e["primary"]?.GetValueKind() == JsonValueKind.True)
                     ?? emails.FirstOrDefault(e => string.Equals(Text(e["type"]), "work", StringComparison.OrdinalIgnoreCase))
                     ?? emails.FirstOrDefault();
        return chosen is null ? null : Text(chosen["value"]);
    }

    /// <summary>The person the document describes; with <paramref name="derive"/>, missing names are filled from the other attributes.</summary>
    public static Person Of(JsonObject document, bool derive)
    {
        var email = EmailOf(document);
        var given = Present(document["name"]?["givenName"]);
        var family = Present(document["name"]?["familyName"]);
        if (!derive || (given is not null && family is not null))
        {
            return new Person(email, given, family, null);
        }
        // Display names split at spaces; an email's local part and a userName at . _ - + as well (jane.q.doe).
        var sources = new (string From, string? Text, bool Identifier)[]
        {
            ("name.formatted", Present(document["name"]?["formatted"]), false),
            ("displayName", Present(document["displayName"]), false),
            ("email", email?[..email.LastIndexOf('@')], true),
            ("userName", Present(document["userName"]), true),
        };
        foreach (var (from, text, identifier) in sources)
        {
            var words = text is null ? [] : (identifier ? IdentifierSeparators() : Whitespace()).Split(text).Where(w => w.Length > 0).ToArray();
            if (words.Length == 0)
            {
                continue;
            }
            if (identifier)
            {
                words = words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]).ToArray();
            }
            // One word names both parts: the account needs two, and inventing a different one would be worse.
            var derivedGiven = words[0];
            var derivedFamily = words.Length > 1 ? string.Join(' ', words[1..]) : words[0];
            return new Person(email, given ?? derivedGiven, family ?? derivedFamily, from);
        }
        return new Person(email, given, family, null);
    }

    /// <summary>An address as people use them: something, '@', and a domain with a dot; no spaces.</summary>
    public static bool IsAddress(string text) => text.Length <= 320 && Address().IsMatch(text);

    public static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..];

    private static string? Present(JsonNode? node) => Text(node) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex Address();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[._\-+\s]+")]
    private static partial Regex IdentifierSeparators();
}
