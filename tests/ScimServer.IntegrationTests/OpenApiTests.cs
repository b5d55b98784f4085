using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ScimServer.IntegrationTests.Support;
using YamlDotNet.RepresentationModel;

namespace ScimServer.IntegrationTests;

public sealed class OpenApiTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private static YamlMappingNode Document(string file = "scim.yaml")
    {
        using var reader = new StreamReader(Repository.PathOf("openapi", file));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [Fact]
    public void Document_IsOpenApi31WithComponents()
    {
        var root = Document();
        Assert.StartsWith("3.1", ((YamlScalarNode)root["openapi"]).Value, StringComparison.Ordinal);
        var schemas = (YamlMappingNode)((YamlMappingNode)root["components"])["schemas"];
        foreach (var name in new[] { "User", "Group", "PatchOp", "ListResponse", "Error", "SearchRequest" })
        {
            Assert.True(schemas.Children.ContainsKey(new YamlScalarNode(name)), $"components.schemas.{name} is missing");
        }
    }

    [Fact]
    public void EveryMappedScimRoute_IsDescribed()
    {
        var mapped = Mapped(p => p.StartsWith("/scim/v2/", StringComparison.Ordinal), "/scim/v2");
        // 7 per resource type, the root search, 5 discovery routes, POST /Bulk and /Me (all methods).
        Assert.True(mapped.Count >= 22, $"Only {mapped.Count} routes found.");
        AssertDescribed("scim.yaml", mapped);
    }

    [Fact]
    public void EveryOperatorRoute_IsDescribed()
    {
        var mapped = Mapped(p => p.StartsWith("/api/", StringComparison.Ordinal) || p == "/authenticate", "");
        Assert.True(mapped.Count >= 10, $"Only {mapped.Count} routes found.");
        AssertDescribed("operator.yaml", mapped);
    }

    [Fact]
    public async Task TheCommittedDocuments_AreServed()
    {
        var client = fixture.App.CreateClient();
        foreach (var file in new[] { "operator.yaml", "scim.yaml" })
        {
            var served = await client.GetStringAsync($"/openapi/{file}");
            Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "openapi", file)), served);
            Assert.StartsWith("openapi: 3.1", served, StringComparison.Ordinal);
        }
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync("/openapi/..%2Fappsettings.json")).StatusCode);
    }

    private List<string> Mapped(Func<string, bool> include, string prefix) =>
        fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => include(e.RoutePattern.RawText!) && !e.RoutePattern.RawText!.Contains("**", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE"])
                .Select(m => $"{m} {e.RoutePattern.RawText![prefix.Length..].TrimEnd('/').Replace(":guid", "", StringComparison.Ordinal)}"))
            .ToList();

    private static void AssertDescribed(string file, List<string> mapped)
    {
        var paths = (YamlMappingNode)Document(file)["paths"];
        var described = paths.Children.SelectMany(p => ((YamlMappingNode)p.Value).Children.Keys
                .Select(k => ((YamlScalarNode)k).Value!.ToUpperInvariant())
                .Where(m => m is "GET" or "POST" or "PUT" or "PATCH" or "DELETE")
                .Select(m => $"{m} {((YamlScalarNode)p.Key).Value}"))
            .ToHashSet();
        var missing = mapped.Where(r => !described.Contains(r)).ToList();
        Assert.True(missing.Count == 0, $"Routes missing from openapi/{file}: " + string.Join(", ", missing));
    }
}
