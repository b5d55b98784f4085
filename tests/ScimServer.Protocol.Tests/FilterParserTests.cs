using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Tests.Support;

namespace ScimServer.Protocol.Tests;

public sealed class FilterParserTests
{
    public static TheoryData<string, string> Valid => CaseFile.Read("filters.txt");
    public static TheoryData<string, string> Invalid => CaseFile.Read("filter-errors.txt");

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidFilter_PrintsCanonically(string filter, string canonical)
    {
        var result = FilterParser.Parse(filter);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        Assert.Equal(canonical, FilterPrinter.Print(result.Value));
        // The canonical form is itself a filter that parses to the same tree.
        Assert.Equal(result.Value, FilterParser.Parse(canonical).Value);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidFilter_NamesProblemAndPosition(string filter, string detail)
    {
        var result = FilterParser.Parse(filter);
        Assert.False(result.IsSuccess);
        Assert.Equal(400, result.Error.Status);
        Assert.Equal(ScimType.InvalidFilter, result.Error.ScimType);
        Assert.Equal(detail, result.Error.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Parse_Empty_IsInvalidFilter(string? filter)
    {
        var result = FilterParser.Parse(filter);
        Assert.Equal("The filter is empty.", result.Error!.Detail);
    }

    [Fact]
    public void Parse_NestingBeyondLimit_IsRefusedWithPosition()
    {
        var deep = new string('(', FilterParser.MaxDepth + 1) + "a eq 1" + new string(')', FilterParser.MaxDepth + 1);
        var result = FilterParser.Parse(deep);
        Assert.Equal($"The filter nests more than {FilterParser.MaxDepth} levels deep at position {FilterParser.MaxDepth + 1}.", result.Error!.Detail);
        var ok = new string('(', FilterParser.MaxDepth) + "a eq 1" + new string(')', FilterParser.MaxDepth);
        Assert.True(FilterParser.Parse(ok).IsSuccess);
    }

    [Fact]
    public void Parse_NestedNotBeyondLimit_IsRefused()
    {
        var deep = string.Concat(Enumerable.Repeat("not (", 40)) + "a pr" + new string(')', 40);
        Assert.Equal(ScimType.InvalidFilter, FilterParser.Parse(deep).Error!.ScimType);
    }

    [Fact]
    public void Parse_TooLong_IsRefused()
    {
        var filter = "userName eq \"" + new string('x', FilterParser.MaxLength) + "\"";
        var result = FilterParser.Parse(filter);
        Assert.Equal($"The filter is {filter.Length} characters long; the limit is {FilterParser.MaxLength}.", result.Error!.Detail);
    }

    [Fact]
    public void Parse_LongOrChain_DoesNotOverflowTheStack()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 300).Select(i => $"userName eq \"u{i}\""));
        Assert.True(FilterParser.Parse(filter).IsSuccess);
    }

    [Fact]
    public void Parse_Comparison_KeepsPathParts()
    {
        var node = Assert.IsType<ComparisonNode>(FilterParser.Parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"1\"").Value);
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", node.Path.SchemaUrn);
        Assert.Equal("manager", node.Path.Name);
        Assert.Equal("value", node.Path.SubAttribute);
        Assert.Equal(ComparisonOperator.Equal, node.Operator);
        Assert.Equal(new FilterLiteral(LiteralKind.String, "1"), node.Value);
    }
}
