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
            Description = "The user's own credit allocation for the contract year, set aside from the account pool. Unset means the " +
                          "lowest limit of the user's teams; with neither, the user cannot consume credits. Cleared on deactivation.",
        },
        new AttributeDefinition("creditsUsed", AttributeType.Integer)
        {
            Description = "Credits the user consumed in the current period (since the last reset, or the team term's start).",
            Mutability = Mutability.ReadOnly,
        },
        Bool("engageAccess", "Whether the user may use Engage."),
        Bool("bulkExport", "Whether the user may export in bulk."),
        Str("status", "Lifecycle status: 'invited' until the first sign-in, then 'active'; 'deactivated' while active is false.") with
        {
            Mutability = Mutability.ReadOnly,
            CanonicalValues = ["invited", "active", "deactivated"],
        },
        new AttributeDefinition("invitationExpires", AttributeType.DateTime)
        {
            Description = "When the pending invitation expires (30 days after it was sent or resent); only while status is 'invited'.",
            Mutability = Mutability.ReadOnly,
        },
        new AttributeDefinition("lastLogin", AttributeType.DateTime)
        {
            Description = "The user's last sign-in to the product.",
            Mutability = Mutability.ReadOnly,
        },
    ]);

    /// <summary>Attributes the server computes; values a client sends for them are dropped.</summary>
    public static readonly IReadOnlyList<string> ReadOnlyNames =
        Schema.Attributes.Where(a => a.Mutability == Mutability.ReadOnly).Select(a => a.Name).ToArray();
}
