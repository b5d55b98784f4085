using static ScimServer.Protocol.Schemas.Attr;

namespace ScimServer.Protocol.Schemas;

/// <summary>
/// Our User extension (outside urn:ietf:params, RFC 7643 §3.3): what an IdP maps to give a user a role, a
/// product seat, a credit limit and feature toggles.
/// </summary>
public static class AccountExtension
{
    public const string Urn = "urn:scimserver:schemas:extension:account:1.0:User";

    public static readonly SchemaDefinition Schema = new(Urn, "AccountUser", "Role, product seat, credits and features of a user in the account",
    [
        Str("role", "Admin, User or Viewer. Admins manage the account; Viewers read only and take no seat where the contract includes Viewer access.") with
        {
            CanonicalValues = ["Admin", "User", "Viewer"],
        },
        Str("product", "Code of the product whose seat the user takes, e.g. 'professional'. Defaults to the account's default product.") with
        {
            CanonicalValues = [],
        },
        new AttributeDefinition("creditLimit", AttributeType.Integer)
        {
            Description = "The most credits the user may consume this contract year; unset means the team's limit, else the account pool.",
        },
        new AttributeDefinition("creditsUsed", AttributeType.Integer)
        {
            Description = "Credits the user consumed this contract year.",
            Mutability = Mutability.ReadOnly,
        },
        Bool("engageAccess", "Whether the user may use Engage."),
        Bool("bulkExport", "Whether the user may export in bulk."),
    ]);
}
