using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>U+0000 and unpaired surrogates cannot be stored in PostgreSQL text: they are refused with a 400, never a 500.</summary>
public sealed class UnstorableTextTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task NulInBodyOrFilter_IsA400()
    {
        var account = await fixture.NewAccountAsync();
        var create = await account.Scim.PostAsync("/Users", """{"userName":"a\u0000b@example.com"}""");
        Assert.Contains("U+0000", create.AssertError(HttpStatusCode.BadRequest, "invalidValue"), StringComparison.Ordinal);
        var user = await account.Scim.CreateUserAsync("nul@example.com");
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"title","value":"x\u0000"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"a\\u0000\""))).AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task LoneSurrogateInBodyOrFilter_IsA400()
    {
        var account = await fixture.NewAccountAsync();
        (await account.Scim.PostAsync("/Users", """{"userName":"a\ud800b@example.com"}""")).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await account.Scim.PostAsync("/Users", """{"userName":"x@example.com","\udc00":1}""")).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"a\\ud800\""))).AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }
}
