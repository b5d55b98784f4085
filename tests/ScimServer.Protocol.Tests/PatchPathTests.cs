using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Filtering;
using ScimServer.Protocol.Tests.Support;

namespace ScimServer.Protocol.Tests;

public sealed class PatchPathTests
{
    public static TheoryData<string, string> Valid => CaseFile.Read("paths.txt");
    public static TheoryData<string, string> Invalid => CaseFile.Read("path-errors.txt");

    [Theory]
    [MemberData(nameof(Valid))]
    public void ParsePath_Valid_PrintsCanonically(string path, string canonical)
    {
        var result = FilterParser.ParsePath(path);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        Assert.Equal(canonical, result.Value.ToString());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ParsePath_Invalid_IsInvalidPathWithPosition(string path, string detail)
    {
        var result = FilterParser.ParsePath(path);
        Assert.Equal(ScimType.InvalidPath, result.Error!.ScimType);
        Assert.Equal(detail, result.Error.Detail);
    }

    [Fact]
    public void ParsePath_ValueFilterWithSubAttribute_SplitsParts()
    {
        var path = FilterParser.ParsePath("emails[type eq \"work\"].value").Value!;
        Assert.Equal("emails", path.Attribute.Name);
        Assert.Equal("value", path.SubAttribute);
        Assert.IsType<ComparisonNode>(path.ValueFilter);
    }
}
