using System.Text.Json.Nodes;
using ScimServer.Protocol.Bulk;
using ScimServer.Protocol.Errors;

namespace ScimServer.Protocol.Tests;

public sealed class BulkRequestTests
{
    private static BulkRequest Parse(string operations, int max = 100) =>
        BulkRequest.Parse(JsonNode.Parse($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{operations}}]}"""), max).Value!;

    [Theory]
    [InlineData("""{"Operations":[]}""", 400, ScimType.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}""", 400, ScimType.InvalidSyntax)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":-1,"Operations":[{}]}""", 400, ScimType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":"1","Operations":[{}]}""", 400, ScimType.InvalidValue)]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{},{},{}]}""", 413, null)]
    [InlineData("""[]""", 400, ScimType.InvalidSyntax)]
    public void Parse_MalformedMessage_IsRefusedAsAWhole(string json, int status, string? scimType)
    {
        var error = BulkRequest.Parse(JsonNode.Parse(json), maxOperations: 2).Error!;
        Assert.Equal(status, error.Status);
        Assert.Equal(scimType, error.ScimType);
    }

    [Fact]
    public void Parse_MalformedOperations_AreEachTheirOwnError()
    {
        var request = Parse("""
            {"method":"post","path":"/Users","bulkId":"a","data":{}},
            {"method":"POST","path":"/Users","bulkId":"a","data":{}},
            {"method":"POST","path":"/Users","data":{}},
            {"method":"PUT","path":"/Users/1"},
            {"method":"DELETE"},
            {"method":"GET","path":"/Users"},
            {"method":"DELETE","path":"/Users/1","version":3},
            "x"
            """);
        Assert.Null(request.Operations[0].Invalid);
        Assert.Equal("POST", request.Operations[0].Method);
        string?[] expected = [null, ScimType.InvalidValue, ScimType.InvalidSyntax, ScimType.InvalidSyntax, ScimType.InvalidPath, ScimType.InvalidValue, ScimType.InvalidSyntax, ScimType.InvalidSyntax];
        Assert.Equal(expected, request.Operations.Select(o => o.Invalid?.ScimType));
        Assert.Equal(Enumerable.Range(0, 8), request.Operations.Select(o => o.Index));
    }

    [Fact]
    public void References_AreFoundInValuesAndPaths_AndResolvedThere_OnlyThere()
    {
        var op = Parse("""
            {"method":"PATCH","path":"/Groups/bulkId:g","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"add","path":"members","value":[{"value":"bulkId:u1"},{"value":"bulkId:u2"}]},
              {"op":"remove","path":"members[value eq \"bulkId:u3\"]"},
              {"op":"replace","path":"displayName","value":"about bulkId:u4"}]}}
            """).Operations[0];
        Assert.Equal(["g", "u1", "u2", "u3"], BulkReferences.Of(op));
        var (path, data) = BulkReferences.Resolve(op, new Dictionary<string, string> { ["g"] = "G", ["u1"] = "U1", ["u2"] = "U2", ["u3"] = "U3", ["u4"] = "U4" });
        Assert.Equal("/Groups/G", path);
        var ops = data!["Operations"]!.AsArray();
        Assert.Equal("U2", ops[0]!["value"]![1]!["value"]!.GetValue<string>());
        Assert.Equal("members[value eq \"U3\"]", ops[1]!["path"]!.GetValue<string>());
        Assert.Equal("about bulkId:u4", ops[2]!["value"]!.GetValue<string>());
        // The operation itself is untouched: a retry resolves again from the original.
        Assert.Equal("bulkId:u1", op.Data!["Operations"]![0]!["value"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void Plan_RunsCreatorsBeforeTheirReferrers_KeepsRequestOrderOtherwise_AndFindsEachCircle()
    {
        var request = Parse("""
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"members":[{"value":"bulkId:u"}]}},
            {"method":"DELETE","path":"/Users/1"},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"manager":{"value":"bulkId:m"}}},
            {"method":"POST","path":"/Users","bulkId":"m","data":{}},
            {"method":"POST","path":"/Groups","bulkId":"x","data":{"members":[{"value":"bulkId:y"}]}},
            {"method":"POST","path":"/Groups","bulkId":"y","data":{"members":[{"value":"bulkId:x"}]}},
            {"method":"POST","path":"/Groups","bulkId":"z","data":{"members":[{"value":"bulkId:z"}]}}
            """);
        var plan = BulkPlan.Of(request.Operations);
        Assert.Equal([3, 2, 0, 1, 5, 4, 6], plan.Order);
        Assert.Equal([[4, 5], [6]], plan.Circles);
    }

    [Fact]
    public void Defer_TakesOutWhatNamesTheCircle_AsThePatchThatAddsItBack()
    {
        var data = JsonNode.Parse("""
            {"displayName":"X","members":[{"value":"bulkId:y"},{"value":"kept"},{"value":"bulkId:outside"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:y"},"department":"D"}}
            """)!.AsObject();
        var (now, later) = BulkReferences.Defer(data, new HashSet<string> { "y" });
        Assert.Equal(["kept", "bulkId:outside"], now["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Null(now["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]);
        Assert.Equal("D", now["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]!.GetValue<string>());
        Assert.Equal("""[{"op":"add","path":"members","value":[{"value":"bulkId:y"}]},{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"bulkId:y"}}]""", later.ToJsonString());
        Assert.Equal(3, data["members"]!.AsArray().Count); // the request's own data is untouched
    }
}
