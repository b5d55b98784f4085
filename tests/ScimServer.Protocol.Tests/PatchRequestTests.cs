using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Patching;

namespace ScimServer.Protocol.Tests;

public sealed class PatchRequestTests
{
    [Theory]
    [InlineData("""{"Operations":[{"op":"add","path":"title","value":"x"}]}""", ScimType.InvalidSyntax, "\"schemas\" must contain \"urn:ietf:params:scim:api:messages:2.0:PatchOp\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}""", ScimType.InvalidSyntax, "\"Operations\" must be a non-empty array of operations.")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}""", ScimType.InvalidSyntax, "\"Operations\" must be a non-empty array of operations.")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"title"}]}""", ScimType.InvalidSyntax, "Operations[0].op is \"move\"; it must be \"add\", \"remove\" or \"replace\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"1","path":"title"}]}""", ScimType.InvalidSyntax, "Operations[0].op is \"1\"; it must be \"add\", \"remove\" or \"replace\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"path":"title"}]}""", ScimType.InvalidSyntax, "Operations[0].op is missing; it must be \"add\", \"remove\" or \"replace\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"title"}]}""", ScimType.InvalidValue, "Operations[0] (add) needs a \"value\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails[type eq","value":"x"}]}""", ScimType.InvalidPath, "Operations[0].path \"emails[type eq\": The filter ends after 'eq' where a value was expected; quote strings, e.g. \"value\".")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["add"]}""", ScimType.InvalidSyntax, "Operations[0] must be an object with \"op\", optional \"path\" and \"value\".")]
    [InlineData("""[1]""", ScimType.InvalidSyntax, "A PATCH body must be a JSON object with \"schemas\" and \"Operations\".")]
    public void Parse_Malformed_ReturnsScimError(string json, string scimType, string detail)
    {
        var result = PatchRequest.Parse(JsonNode.Parse(json));
        Assert.Equal(scimType, result.Error!.ScimType);
        Assert.Equal(detail, result.Error.Detail);
    }

    [Fact]
    public void Parse_CapitalisedOpsAndKeys_AreAccepted()
    {
        var result = PatchRequest.Parse(JsonNode.Parse("""{"SCHEMAS":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[{"OP":"Replace","Path":"title","Value":"x"}]}"""));
        Assert.True(result.IsSuccess, result.Error?.Detail);
        Assert.Equal(PatchOperationKind.Replace, result.Value.Operations[0].Kind);
    }

    [Fact]
    public void Parse_TooManyOperations_Is413()
    {
        var ops = new JsonArray(Enumerable.Range(0, PatchRequest.MaxOperations + 1).Select(_ => (JsonNode?)new JsonObject { ["op"] = "remove", ["path"] = "title" }).ToArray());
        var result = PatchRequest.Parse(new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"), ["Operations"] = ops });
        Assert.Equal(413, result.Error!.Status);
    }
}
