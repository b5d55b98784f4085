using System.Net;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.Idp;

/// <summary>
/// Microsoft Entra ID's provisioning service, in the order it runs a lifecycle, with the request bodies of its
/// SCIM endpoint guide (capitalised ops, filtered email paths, the enterprise manager as a bare id, "False"
/// strings from older tenants, member removal by a value array, its extra group schema URN).
/// </summary>
public sealed class EntraIdReplayTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Json = "application/scim+json";

    [Fact]
    public async Task FullLifecycle()
    {
        var idp = await IdpReplay.StartAsync(fixture, IdentityProviderKind.EntraId, Json, ("standard", 2));
        // The account maps the Entra app role "Admin" to our Admin role (docs/idp/entra-id.md).
        var api = await ApiClient.SignInAsync(fixture, idp.Account.Id);
        (await api.PutAsync($"/api/accounts/{idp.Account.Id}/idp-role-mappings", """[{"idpRole":"Admin","role":"Admin"}]""")).AssertStatus(HttpStatusCode.OK);

        // Match: does the user exist? (by userName, then by externalId)
        var match = await idp.Send("GET", "/Users?filter=userName+eq+%22Test_User_ab6490ee%40testuser.com%22");
        match.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, match.Json!["totalResults"]!.GetValue<int>());

        var admin = await idp.Created("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@testuser.com","active":true,
             "emails":[{"primary":true,"type":"work","value":"Test_User_ab6490ee@testuser.com"}],
             "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
             "roles":[{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"Admin"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Finance","employeeNumber":"1001"}}
            """);
        var byExternalId = await idp.Send("GET", "/Users?filter=externalId+eq+%220a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef%22");
        Assert.Equal(admin, byExternalId.Resources[0]!["id"]!.GetValue<string>());
        // The role came from the Entra app role (mapped by value), not from our extension.
        Assert.Equal("Admin", byExternalId.Resources[0]!["urn:scimserver:schemas:extension:account:1.0:User"]!["role"]!.GetValue<string>());

        var manager = await idp.Created("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"externalId":"5e4c8f1a","userName":"boss@testuser.com","active":true,
             "name":{"familyName":"Boss","givenName":"Bea"},"emails":[{"primary":true,"type":"work","value":"boss@testuser.com"}]}
            """);

        // Update attributes: one PATCH, capitalised ops, a filtered email path and the manager as a bare id.
        (await idp.Send("PATCH", $"/Users/{admin}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@testuser.com"},
              {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
              {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"{{{manager}}}"}]}
            """)).AssertStatus(HttpStatusCode.OK);
        var read = (await idp.Send("GET", $"/Users/{admin}")).Json!;
        Assert.Equal("updatedEmail@testuser.com", read["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("updatedFamilyName", read["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal(manager, read["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]!["value"]!.GetValue<string>());

        // Refusal: both seats are taken; Entra is told 403 with the reason, and retries on its next cycle.
        var third = await idp.Send("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"externalId":"9f9f","userName":"third@testuser.com","active":true,
             "name":{"familyName":"Third","givenName":"Tom"}}
            """);
        Assert.Contains("No free seat", third.AssertError(HttpStatusCode.Forbidden, null));

        // Refusal: the only Admin cannot be disabled (older tenants send the string "False").
        var lastAdmin = await idp.Send("PATCH", $"/Users/{admin}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
            """);
        Assert.Contains("last active Admin", lastAdmin.AssertError(HttpStatusCode.Forbidden, null));

        // Disable and re-enable (unassigning a user from the app disables it; it does not delete).
        (await idp.Send("PATCH", $"/Users/{manager}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":false}]}
            """)).AssertStatus(HttpStatusCode.OK);
        (await idp.Send("PATCH", $"/Users/{manager}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"True"}]}
            """)).AssertStatus(HttpStatusCode.OK);
        Assert.True((await idp.Send("GET", $"/Users/{manager}")).Json!["active"]!.GetValue<bool>());

        // Groups: match with members excluded, create (with Entra's extra schema URN), add, remove by value array, rename.
        var groupMatch = await idp.Send("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22Finance%22");
        Assert.Equal(0, groupMatch.Json!["totalResults"]!.GetValue<int>());
        var group = await idp.Created("POST", "/Groups", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group"],
             "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Finance","meta":{"resourceType":"Group"}}
            """);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{{admin}}}"},{"$ref":null,"value":"{{{manager}}}"}]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{{manager}}}"}]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"Finance EMEA"}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        var members = await idp.Send("GET", $"/Users?filter=groups.value+eq+%22{group}%22&attributes=userName");
        Assert.Equal(["Test_User_ab6490ee@testuser.com"], members.Strings("userName"));
        var renamed = await idp.Send("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22Finance+EMEA%22");
        Assert.Equal(group, renamed.Resources[0]!["id"]!.GetValue<string>());
        Assert.Null(renamed.Resources[0]!["members"]);

        // Delete (after the soft-delete period) frees the seat; the user is gone from every read.
        (await idp.Send("DELETE", $"/Users/{manager}")).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("GET", $"/Users/{manager}")).AssertError(HttpStatusCode.NotFound, null);
        (await idp.Send("DELETE", $"/Groups/{group}")).AssertStatus(HttpStatusCode.NoContent);

        // Refusal: SSO switched off in the product: every SCIM call is refused with the reason, nothing changes.
        await idp.SsoStatusAsync(SsoStatus.Configured);
        var gated = await idp.Send("PATCH", $"/Users/{admin}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"x"}]}
            """);
        Assert.Contains("SSO", gated.AssertError(HttpStatusCode.Forbidden, null));
    }
}
