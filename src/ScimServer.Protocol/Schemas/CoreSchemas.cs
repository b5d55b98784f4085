using ScimServer.Protocol.Messages;
using static ScimServer.Protocol.Schemas.Attr;

namespace ScimServer.Protocol.Schemas;

/// <summary>The User, enterprise User and Group schemas of RFC 7643 §4 as data.</summary>
public static class CoreSchemas
{
    public static readonly SchemaDefinition User = new(ScimSchemaUris.User, "User", "User Account",
    [
        Str("userName", "Unique identifier for the User, typically used to sign in: any non-empty string, compared case-insensitively.") with
        {
            Required = true,
            Uniqueness = Uniqueness.Server,
            MaxLength = AttributeDefinition.IndexedTextLimit,
        },
        Complex("name", "The components of the user's real name.",
            Str("formatted", "The full name, formatted for display."),
            Str("familyName", "The family name (last name)."),
            Str("givenName", "The given name (first name)."),
            Str("middleName", "The middle name(s)."),
            Str("honorificPrefix", "The honorific prefix(es), e.g. 'Ms.'."),
            Str("honorificSuffix", "The honorific suffix(es), e.g. 'III'.")),
        Str("displayName", "The name of the User, suitable for display to end-users.") with { MaxLength = AttributeDefinition.IndexedTextLimit },
        Str("nickName", "The casual way to address the user."),
        Ref("profileUrl", "A URI pointing to the user's online profile.", "external"),
        Str("title", "The user's title, such as 'Vice President'."),
        Str("userType", "The relationship between the organization and the user."),
        Str("preferredLanguage", "The user's preferred written or spoken language (RFC 7231 Accept-Language)."),
        Str("locale", "The user's default location for localization, e.g. 'en-US'."),
        Str("timezone", "The user's time zone in IANA format, e.g. 'America/Los_Angeles'."),
        Bool("active", "The user's administrative status."),
        Str("password", "The user's cleartext password; write-only, never returned, stored only as a hash.", caseExact: true) with
        {
            Mutability = Mutability.WriteOnly,
            Returned = Returned.Never,
        },
        MultiValued("emails", "Email addresses for the user.", Str("value", "An email address.") with { MaxLength = AttributeDefinition.EmailLimit }, "work", "home", "other"),
        MultiValued("phoneNumbers", "Phone numbers for the user.", Str("value", "A phone number."), "work", "home", "mobile", "fax", "pager", "other"),
        MultiValued("ims", "Instant messaging addresses for the user.", Str("value", "An instant messaging address."), "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
        MultiValued("photos", "URLs of photos of the user.", Ref("value", "URL of a photo of the user.", "external"), "photo", "thumbnail"),
        new AttributeDefinition("addresses", AttributeType.Complex)
        {
            Description = "A physical mailing address for this user.",
            MultiValued = true,
            SubAttributes =
            [
                Str("formatted", "The full mailing address, formatted for display."),
                Str("streetAddress", "The full street address component."),
                Str("locality", "The city or locality component."),
                Str("region", "The state or region component."),
                Str("postalCode", "The zip code or postal code component."),
                Str("country", "The country name component (ISO 3166-1 alpha-2)."),
                Str("type", "A label indicating the attribute's function.") with { CanonicalValues = ["work", "home", "other"] },
                Bool("primary", "Indicates the preferred mailing address."),
            ],
        },
        new AttributeDefinition("groups", AttributeType.Complex)
        {
            Description = "Groups the user belongs to, derived from group membership; change it through the Groups endpoint.",
            MultiValued = true,
            Mutability = Mutability.ReadOnly,
            SubAttributes =
            [
                Str("value", "The identifier of the user's group.", caseExact: true) with { Mutability = Mutability.ReadOnly },
                Ref("$ref", "The URI of the Group resource.", "User", "Group") with { Mutability = Mutability.ReadOnly },
                Str("display", "The displayName of the group.") with { Mutability = Mutability.ReadOnly },
                Str("type", "'direct' or 'indirect' membership.") with { Mutability = Mutability.ReadOnly, CanonicalValues = ["direct", "indirect"] },
            ],
        },
        MultiValued("entitlements", "Entitlements the user has.", Str("value", "The value of an entitlement.")),
        MultiValued("roles", "Roles the user has.", Str("value", "The value of a role.")),
        MultiValued("x509Certificates", "X.509 certificates of the user.", new AttributeDefinition("value", AttributeType.Binary) { Description = "The value of an X.509 certificate.", CaseExact = true }),
    ]);

    public static readonly SchemaDefinition EnterpriseUser = new(ScimSchemaUris.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person by the organization."),
        Str("costCenter", "Identifies the name of a cost center."),
        Str("organization", "Identifies the name of an organization."),
        Str("division", "Identifies the name of a division."),
        Str("department", "Identifies the name of a department."),
        Complex("manager", "The user's manager.",
            Str("value", "The id of the SCIM resource representing the user's manager.", caseExact: true),
            Ref("$ref", "The URI of the SCIM resource representing the user's manager.", "User"),
            Str("displayName", "The displayName of the user's manager.") with { Mutability = Mutability.ReadOnly }),
    ]);

    public static readonly SchemaDefinition Group = new(ScimSchemaUris.Group, "Group", "Group",
    [
        Str("displayName", "A human-readable name for the Group; unique in the account, compared case-insensitively.") with
        {
            Required = true,
            Uniqueness = Uniqueness.Server,
            MaxLength = AttributeDefinition.IndexedTextLimit,
        },
        new AttributeDefinition("members", AttributeType.Complex)
        {
            Description = "A list of members of the Group.",
            MultiValued = true,
            SubAttributes =
            [
                Str("value", "Identifier of the member of this Group.", caseExact: true) with { Mutability = Mutability.Immutable },
                Ref("$ref", "The URI of the member resource.", "User", "Group") with { Mutability = Mutability.Immutable },
                Str("display", "The displayName of the member.") with { Mutability = Mutability.ReadOnly },
                Str("type", "The type of the member: 'User' or 'Group'.") with { Mutability = Mutability.Immutable, CanonicalValues = ["User", "Group"] },
            ],
        },
    ]);

    public static readonly ResourceTypeDefinition UserResourceType =
        new("User", "/Users", "User Account", User,
            [new SchemaExtension(EnterpriseUser, Required: false), new SchemaExtension(AccountExtension.Schema, Required: false)]);

    public static readonly ResourceTypeDefinition GroupResourceType =
        new("Group", "/Groups", "Group", Group, [new SchemaExtension(TeamExtension.Schema, Required: false)]);

    public static readonly IReadOnlyList<ResourceTypeDefinition> ResourceTypes = [UserResourceType, GroupResourceType];

    public static readonly IReadOnlyList<SchemaDefinition> All = [User, EnterpriseUser, AccountExtension.Schema, Group, TeamExtension.Schema];
}
