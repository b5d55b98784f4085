namespace ScimServer.Protocol.Schemas;

/// <summary>Our Group extension: a team's credit limit for its members and how often it starts afresh.</summary>
public static class TeamExtension
{
    public const string Urn = "urn:scimserver:schemas:extension:account:1.0:Group";

    public static readonly SchemaDefinition Schema = new(Urn, "AccountTeam", "Credit limit and terms of a team",
    [
        new AttributeDefinition("creditLimit", AttributeType.Integer)
        {
            Description = "Credits each member without a limit of their own may consume per term. When a user is in several teams, the lowest applies.",
        },
        Attr.Str("creditTerms", "When the team limit starts afresh: 'Contract' (each contract year), 'Monthly' or 'Quarterly' (calendar, UTC).") with
        {
            CanonicalValues = ["Contract", "Monthly", "Quarterly"],
        },
    ]);
}
