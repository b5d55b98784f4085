using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Tests;

/// <summary>The bind pass: a value filter resolved against its attribute once, for SQL, evaluation and PATCH alike.</summary>
public sealed class BoundElementFilterTests
{
    private static readonly AttributeDefinition Emails = CoreSchemas.User.Attributes.Single(a => a.Name == "emails");

    private static BoundElementFilter Bind(string filter) =>
        BoundElementFilter.Bind(FilterParser.Parse(filter).Value!, Emails) is { IsSuccess: true } bound ? bound.Value : throw new InvalidOperationException(filter);

    [Fact]
    public void Bind_ResolvesEachSubAttributeCaseInsensitively_AndTypesItsLiteral()
    {
        var bound = Assert.IsType<BoundElementFilter.Logical>(Bind("TYPE eq \"work\" and primary eq true"));
        var type = Assert.IsType<BoundElementFilter.Comparison>(bound.Left);
        var primary = Assert.IsType<BoundElementFilter.Comparison>(bound.Right);
        Assert.Equal(("type", "emails.type", "work"), (type.Attribute.Name, type.Display, type.Literal!.Value));
        Assert.Equal((AttributeType.Boolean, (object?)true), (primary.Attribute.Type, primary.Literal!.Value));
    }

    [Theory]
    [InlineData("kind eq \"work\"", "'kind' is not a sub-attribute of 'emails'; it has: value, display, type, primary.")]
    [InlineData("primary eq \"yes\"", "emails.primary")]
    [InlineData("emails.type eq \"work\"", "Inside 'emails[…]' name sub-attributes directly")]
    [InlineData("members[value eq \"x\"]", "A value filter cannot contain another value filter.")]
    public void Bind_RefusesWhatTheAttributeCannotAnswer_AsInvalidFilter(string filter, string detail)
    {
        var bound = BoundElementFilter.Bind(FilterParser.Parse(filter).Value!, Emails);
        Assert.False(bound.IsSuccess);
        Assert.Equal(ScimType.InvalidFilter, bound.Error.ScimType);
        Assert.Contains(detail, bound.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_EvaluatesTheBoundFilter_OnOneValue()
    {
        var filter = Bind("type eq \"WORK\" and not (value ew \"example.org\")");
        Assert.True(ElementFilterEvaluator.Matches(filter, Emails, JsonNode.Parse("""{"value":"a@example.com","type":"work"}""")));
        Assert.False(ElementFilterEvaluator.Matches(filter, Emails, JsonNode.Parse("""{"value":"a@example.org","type":"work"}""")));
        Assert.False(ElementFilterEvaluator.Matches(filter, Emails, null));
    }
}
