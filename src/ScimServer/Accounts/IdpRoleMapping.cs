using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimServer.Accounts;

/// <summary>
/// One value an IdP sends in the User's <c>roles</c> (an Entra app role, an Okta or OneLogin role attribute) and
/// what it grants here: a role, a product, or both.
/// </summary>
public sealed record IdpRoleMapping(string IdpRole, UserRole? Role, string? Product)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static IReadOnlyList<IdpRoleMapping> Parse(string json) => JsonSerializer.Deserialize<List<IdpRoleMapping>>(json, Options) ?? [];

    public static string Serialize(IEnumerable<IdpRoleMapping> mappings) => JsonSerializer.Serialize(mappings, Options);

    /// <summary>
    /// What the document's roles grant under the account's mappings, or null when mappings do not apply (none
    /// configured, or the document has no roles attribute). The most privileged mapped role wins (Admin, then
    /// User, then Viewer); a document whose roles match nothing gets the User role: removing the app role in the
    /// IdP demotes the user.
    /// </summary>
    public static (UserRole Role, string? Product)? Resolve(IReadOnlyList<IdpRoleMapping> mappings, JsonNode? roles)
    {
        if (mappings.Count == 0 || roles is not JsonArray array)
        {
            return null;
        }
        var values = array.Select(r => r is JsonObject o ? o["value"] : r)
            .Where(v => v?.GetValueKind() == JsonValueKind.String)
            .Select(v => v!.GetValue<string>())
            .ToList();
        var matched = mappings.Where(m => values.Contains(m.IdpRole, StringComparer.OrdinalIgnoreCase)).ToList();
        var role = matched.Select(m => m.Role).OfType<UserRole>().DefaultIfEmpty(UserRole.User).Min();
        return (role, matched.Select(m => m.Product).FirstOrDefault(p => p is not null));
    }
}
