using System.Text.Json.Nodes;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Tests;

public sealed class PatchApplierTests
{
    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cases", "patch.json")))!.AsArray();

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Cases)
            {
                data.Add(c!["name"]!.GetValue<string>());
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Apply_Case_MatchesExpectation(string name)
    {
        var c = Cases.First(x => x!["name"]!.GetValue<string>() == name)!;
        var type = c["type"]!.GetValue<string>() == "Group" ? CoreSchemas.GroupResourceType : CoreSchemas.UserResourceType;
        var document = c["document"]!.AsObject();
        var before = document.DeepClone();
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = c["operations"]!.DeepClone(),
        };
        var request = PatchRequest.Parse(body);
        Assert.True(request.IsSuccess, request.Error?.Detail);

        var options = new PatchOptions(c["options"]?["createUnmatchedFilterValue"]?.GetValue<bool>() == true);
        var result = PatchApplier.Apply(document, request.Value, type, new HashSet<string> { "members" }, options);

        Assert.True(JsonNode.DeepEquals(before, document), "The input document must never be modified.");
        if (c["error"] is JsonObject error)
        {
            Assert.False(result.IsSuccess, "Expected an error.");
            Assert.Equal(400, result.Error.Status);
            Assert.Equal(error["scimType"]!.GetValue<string>(), result.Error.ScimType);
            Assert.Equal(error["detail"]!.GetValue<string>(), result.Error.Detail);
            return;
        }
        Assert.True(result.IsSuccess, result.Error?.Detail);
        var expected = c["expected"]!;
        Assert.True(JsonNode.DeepEquals(expected, result.Value.Document), $"Expected {expected.ToJsonString()} but got {result.Value.Document.ToJsonString()}");
        Assert.Equal(c["unchanged"]?.GetValue<bool>() != true, result.Value.DocumentChanged);
        var deferred = result.Value.Deferred.Select(d =>
            d.Filter is null ? $"{d.Kind} {d.Attribute} {d.Values?.Count ?? 0}" : $"{d.Kind} {d.Attribute} filter {d.Filter}").ToList();
        Assert.Equal(c["deferred"]?.AsArray().Select(x => x!.GetValue<string>()).ToList() ?? [], deferred);
    }
}
