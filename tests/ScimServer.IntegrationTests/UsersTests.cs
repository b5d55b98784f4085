using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class UsersTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task Create_ValidUser_Returns201WithLocationETagAndMeta()
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.PostAsync("/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName":"bjensen@example.com","externalId":"ext-1","name":{"givenName":"Barbara","familyName":"Jensen"},
             "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],"password":"t1meMa$heen",
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}
            """);
        response.AssertStatus(HttpStatusCode.Created);
        Assert.Equal("application/scim+json", response.ContentHeaders.ContentType!.MediaType);
        var user = response.Json!;
        var id = user["id"]!.GetValue<string>();
        Assert.Equal($"http://localhost/scim/v2/Users/{id}", response.Headers.Location!.ToString());
        Assert.Equal(user["meta"]!["version"]!.GetValue<string>(), response.ETag);
        Assert.StartsWith("W/\"", response.ETag, StringComparison.Ordinal);
        Assert.Equal("User", user["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Equal(user["meta"]!["created"]!.GetValue<string>(), user["meta"]!["lastModified"]!.GetValue<string>());
        Assert.Equal(response.Headers.Location.ToString(), user["meta"]!["location"]!.GetValue<string>());
        Assert.Null(user["password"]); // returned "never"
        Assert.True(user["active"]!.GetValue<bool>());
        Assert.Equal("Sales", user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]!.GetValue<string>());
        Assert.Contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", user["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));

        await using var db = fixture.Db();
        var stored = await db.Users.SingleAsync(u => u.Id == Guid.Parse(id));
        Assert.Equal(account.Id, stored.AccountId);
        Assert.StartsWith("pbkdf2-sha256$", stored.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain("t1meMa$heen", stored.Data, StringComparison.Ordinal);
        Assert.Equal(["bjensen@example.com"], stored.EmailValues);
    }

    [Fact]
    public async Task Get_ExistingUser_ReturnsSameRepresentation()
    {
        var account = await fixture.NewAccountAsync();
        var created = await account.Scim.CreateUserAsync("get@example.com");
        var response = await account.Scim.GetAsync($"/Users/{created["id"]}");
        response.AssertStatus(HttpStatusCode.OK);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(created, response.Json));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-uuid")]
    public async Task Get_UnknownId_Is404ScimError(string id)
    {
        var account = await fixture.NewAccountAsync();
        var detail = (await account.Scim.GetAsync($"/Users/{id}")).AssertError(HttpStatusCode.NotFound, null);
        Assert.Equal($"User '{id}' was not found.", detail);
    }

    [Fact]
    public async Task Create_DuplicateUserNameDifferentCase_Is409Uniqueness()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("dup@example.com");
        var response = await account.Scim.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"DUP@Example.com"}""");
        var detail = response.AssertError(HttpStatusCode.Conflict, "uniqueness");
        Assert.Contains("already exists", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DuplicateOfInactiveUser_SaysItCanBeReactivated()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("inactive@example.com", "\"active\":false");
        var response = await account.Scim.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"inactive@example.com"}""");
        Assert.Contains("It is inactive: reactivate it", response.AssertError(HttpStatusCode.Conflict, "uniqueness"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}""", "invalidValue", "'userName' is required for a User.")]
    [InlineData("""{"userName":""}""", "invalidValue", "'userName' is required for a User.")]
    [InlineData("""{"userName":"a@example.com","active":"perhaps"}""", "invalidValue", "'active' is a boolean; send true or false.")]
    [InlineData("""{"userName":"a@example.com","emails":"a@example.com"}""", "invalidValue", "'emails' is complex; send an object with its sub-attributes (value, display, type, primary).")]
    [InlineData("""{"userName":"a@example.com","name":"Ann"}""", "invalidValue", "'name' is complex; send an object with its sub-attributes (formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix).")]
    [InlineData("""{"userName":["a"]}""", "invalidValue", "'userName' is single-valued; send one value, not an array.")]
    [InlineData("""{"userName":"a@example.com","emails":[{"value":"a@x.com","primary":true},{"value":"b@x.com","primary":true}]}""", "invalidValue", "At most one value of 'emails' may have \"primary\": true (RFC 7643 §2.4).")]
    [InlineData("""{"userName":"a@example.com",""", "invalidSyntax", "The body is not valid JSON (line 1, byte 28).")]
    [InlineData("""["userName"]""", "invalidSyntax", "A User must be sent as a JSON object.")]
    [InlineData("""{"userName":"a","userName":"b"}""", "invalidSyntax", "The body names the same attribute twice.")]
    public async Task Create_BadBody_Is400WithActionableDetail(string body, string scimType, string detail)
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.PostAsync("/Users", body);
        Assert.Equal(detail, response.AssertError(HttpStatusCode.BadRequest, scimType));
        await using var db = fixture.Db();
        Assert.False(await db.Users.AnyAsync(u => u.AccountId == account.Id));
    }

    [Fact]
    public async Task Create_UnknownAndReadOnlyAttributes_AreIgnored()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("ro@example.com", """
            "id":"chosen-by-client","meta":{"created":"2000-01-01T00:00:00Z"},"groups":[{"value":"x"}],"shoeSize":44
            """);
        Assert.NotEqual("chosen-by-client", user["id"]!.GetValue<string>());
        Assert.Null(user["groups"]);
        Assert.Null(user["shoeSize"]);
        Assert.NotEqual("2000-01-01T00:00:00.000Z", user["meta"]!["created"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WrongContentType_Is415()
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.SendAsync(HttpMethod.Post, "/Users", "userName=x", contentType: "application/x-www-form-urlencoded");
        Assert.Contains("application/scim+json", response.AssertError(HttpStatusCode.UnsupportedMediaType, null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_PlainApplicationJson_IsAccepted()
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.SendAsync(HttpMethod.Post, "/Users", """{"userName":"json@example.com","name":{"givenName":"J","familyName":"Son"}}""", contentType: "application/json; charset=utf-8");
        response.AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_BodyOverLimit_Is413()
    {
        var account = await fixture.NewAccountAsync();
        var body = $$"""{"userName":"big@example.com","title":"{{new string('x', 70_000)}}"}""";
        Assert.Contains("65536", (await account.Scim.PostAsync("/Users", body)).AssertError(HttpStatusCode.RequestEntityTooLarge, null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_ChangesAttributes_IgnoresIdAndKeepsStatusWhenActiveOmitted()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("put@example.com", "\"active\":false,\"title\":\"Dev\"");
        var id = user["id"]!.GetValue<string>();
        var response = await account.Scim.PutAsync($"/Users/{id}", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{Guid.NewGuid()}}","userName":"put@example.com","displayName":"Put"}
            """);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(id, response.Json!["id"]!.GetValue<string>());
        Assert.Equal("Put", response.Json["displayName"]!.GetValue<string>());
        Assert.Null(response.Json["title"]); // PUT replaces: what is not sent is removed.
        Assert.False(response.Json["active"]!.GetValue<bool>());
        Assert.NotEqual(user["meta"]!["version"]!.GetValue<string>(), response.ETag);
    }

    [Fact]
    public async Task Replace_ToAnotherUsersUserName_Is409()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("taken@example.com");
        var user = await account.Scim.CreateUserAsync("mine@example.com");
        var response = await account.Scim.PutAsync($"/Users/{user["id"]}", """{"userName":"Taken@example.com"}""");
        response.AssertError(HttpStatusCode.Conflict, "uniqueness");
    }

    [Fact]
    public async Task Patch_MultipleOperations_AppliesAllAndChangesVersionOnce()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("patch@example.com");
        var id = user["id"]!.GetValue<string>();
        var response = await account.Scim.PatchOpsAsync($"/Users/{id}", """
            [{"op":"Replace","path":"active","value":"False"},
             {"op":"Add","path":"emails[type eq \"work\"].value","value":"patch@example.com"},
             {"op":"replace","path":"name.givenName","value":"Pat"},
             {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m-1"}}]
            """);
        response.AssertStatus(HttpStatusCode.OK);
        var patched = response.Json!;
        Assert.False(patched["active"]!.GetValue<bool>());
        Assert.Equal("patch@example.com", patched["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("Pat", patched["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("F", patched["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal("m-1", patched["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]!["value"]!.GetValue<string>());

        // One request, one new version: the ETag after equals the one a fresh read reports.
        var read = await account.Scim.GetAsync($"/Users/{id}");
        Assert.Equal(response.ETag, read.ETag);
        await using var db = fixture.Db();
        var stored = await db.Users.SingleAsync(u => u.Id == Guid.Parse(id));
        Assert.False(stored.Active);
        Assert.Equal(["patch@example.com"], stored.EmailValues);
    }

    [Fact]
    public async Task Patch_FailingLaterOperation_ChangesNothing()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("atomic@example.com", "\"title\":\"Before\"");
        var response = await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """
            [{"op":"replace","path":"title","value":"After"},{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}]
            """);
        Assert.Equal("Operations[1]: 'meta.created' is read-only and cannot be changed.", response.AssertError(HttpStatusCode.BadRequest, "mutability"));
        var read = await account.Scim.GetAsync($"/Users/{user["id"]}");
        Assert.Equal("Before", read.Json!["title"]!.GetValue<string>());
        Assert.Equal(user["meta"]!["version"]!.GetValue<string>(), read.ETag);
    }

    [Fact]
    public async Task Patch_NoChange_KeepsVersion()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("same@example.com", "\"title\":\"T\"");
        var response = await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"title","value":"T"}]""");
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(user["meta"]!["version"]!.GetValue<string>(), response.ETag);
    }

    [Theory]
    [InlineData("""{"Operations":[{"op":"add","path":"title","value":"x"}]}""", "invalidSyntax")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"copy","path":"title"}]}""", "invalidSyntax")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"emails[type eq","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"nope","value":"x"}]}""", "invalidPath")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[value co \"zz\"].type","value":"x"}]}""", "noTarget")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}""", "noTarget")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"id","value":"x"}]}""", "mutability")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":3}]}""", "invalidValue")]
    public async Task Patch_BadRequest_GetsRightScimType(string body, string scimType)
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("badpatch@example.com", """ "emails":[{"value":"a@example.com","type":"work"}] """);
        (await account.Scim.PatchAsync($"/Users/{user["id"]}", body)).AssertError(HttpStatusCode.BadRequest, scimType);
    }

    [Fact]
    public async Task Delete_User_Is404AfterwardsButRecordIsRetained()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("gone@example.com");
        var id = user["id"]!.GetValue<string>();
        (await account.Scim.DeleteAsync($"/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);
        (await account.Scim.GetAsync($"/Users/{id}")).AssertError(HttpStatusCode.NotFound, null);
        (await account.Scim.DeleteAsync($"/Users/{id}")).AssertError(HttpStatusCode.NotFound, null);
        (await account.Scim.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"title","value":"x"}]""")).AssertError(HttpStatusCode.NotFound, null);
        var list = await account.Scim.GetAsync("/Users?filter=userName eq \"gone@example.com\"");
        Assert.Equal(0, list.Json!["totalResults"]!.GetValue<int>());

        await using var db = fixture.Db();
        var stored = await db.Users.SingleAsync(u => u.Id == Guid.Parse(id));
        Assert.NotNull(stored.DeletedAt);
        Assert.False(stored.Active);
    }

    [Fact]
    public async Task Create_AfterDelete_RestoresTheSameRecord()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("back@example.com", "\"title\":\"Old\"");
        await account.Scim.DeleteAsync($"/Users/{user["id"]}");
        var again = await account.Scim.CreateUserAsync("Back@example.com");
        Assert.Equal(user["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.Null(again["title"]);
        Assert.Equal("Back@example.com", again["userName"]!.GetValue<string>());
        Assert.Equal(user["meta"]!["created"]!.GetValue<string>(), again["meta"]!["created"]!.GetValue<string>());
    }
}
