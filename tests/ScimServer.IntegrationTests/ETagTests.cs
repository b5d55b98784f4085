using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class ETagTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task IfNoneMatch_CurrentVersion_Is304(string type)
    {
        var account = await fixture.NewAccountAsync();
        var resource = type == "Users" ? await account.Scim.CreateUserAsync("etag@example.com") : await account.Scim.CreateGroupAsync("ETag");
        var path = $"/{type}/{resource["id"]}";
        var etag = resource["meta"]!["version"]!.GetValue<string>();
        var notModified = await account.Scim.GetAsync(path, r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        notModified.AssertStatus(HttpStatusCode.NotModified);
        Assert.Equal(etag, notModified.ETag);
        Assert.Equal("", notModified.Body);
        (await account.Scim.GetAsync(path, r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\""))).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task IfMatch_StaleVersion_Is412OnPutPatchDelete(string type)
    {
        var account = await fixture.NewAccountAsync();
        var resource = type == "Users" ? await account.Scim.CreateUserAsync("ifmatch@example.com") : await account.Scim.CreateGroupAsync("IfMatch");
        var path = $"/{type}/{resource["id"]}";
        var etag = resource["meta"]!["version"]!.GetValue<string>();
        var body = type == "Users" ? """{"userName":"ifmatch@example.com","title":"x"}""" : """{"displayName":"IfMatch2"}""";
        void Stale(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");

        (await account.Scim.PutAsync(path, body, Stale)).AssertError(HttpStatusCode.PreconditionFailed, null);
        (await account.Scim.PatchOpsAsync(path, """[{"op":"replace","path":"displayName","value":"y"}]""", Stale)).AssertError(HttpStatusCode.PreconditionFailed, null);
        (await account.Scim.DeleteAsync(path, Stale)).AssertError(HttpStatusCode.PreconditionFailed, null);

        // The current ETag (and "*") pass, and the version moves on.
        var put = await account.Scim.PutAsync(path, body, r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        put.AssertStatus(HttpStatusCode.OK);
        Assert.NotEqual(etag, put.ETag);
        (await account.Scim.PutAsync(path, body, r => r.Headers.TryAddWithoutValidation("If-Match", etag))).AssertError(HttpStatusCode.PreconditionFailed, null);
        (await account.Scim.DeleteAsync(path, r => r.Headers.TryAddWithoutValidation("If-Match", "*"))).AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ConcurrentPatches_WithoutIfMatch_AllApply()
    {
        var account = await fixture.NewAccountAsync();
        var group = await account.Scim.CreateGroupAsync("Busy");
        var users = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            users.Add((await account.Scim.CreateUserAsync($"c{i}@example.com"))["id"]!.GetValue<string>());
        }
        var results = await Task.WhenAll(users.Select(u =>
            account.Scim.PatchOpsAsync($"/Groups/{group["id"]}", $$"""[{"op":"add","path":"members","value":[{"value":"{{u}}"}]},{"op":"replace","path":"displayName","value":"Busy {{u}}"}]""")));
        Assert.All(results, r => r.AssertStatus(HttpStatusCode.NoContent));
        var read = await account.Scim.GetAsync($"/Groups/{group["id"]}");
        Assert.Equal(8, read.Json!["members"]!.AsArray().Count);
    }

    [Fact]
    public async Task UserETag_FollowsItsGroups_WithoutWritingTheUserRow()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("member-etag@example.com");
        var path = $"/Users/{user["id"]}";
        var before = user["meta"]!["version"]!.GetValue<string>();
        var group = await account.Scim.CreateGroupAsync("Tagged", user["id"]!.GetValue<string>());

        var joined = await account.Scim.GetAsync(path + "?excludedAttributes=groups");
        joined.AssertStatus(HttpStatusCode.OK);
        Assert.NotEqual(before, joined.ETag);
        Assert.Equal(joined.ETag, joined.Json!["meta"]!["version"]!.GetValue<string>());
        Assert.Equal(user["meta"]!["lastModified"]!.ToString(), joined.Json["meta"]!["lastModified"]!.ToString());

        // The old ETag no longer holds for a write, and 304 only answers the current one.
        void Stale(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("If-Match", before);
        (await account.Scim.PatchOpsAsync(path, """[{"op":"replace","path":"title","value":"x"}]""", Stale)).AssertError(HttpStatusCode.PreconditionFailed, null);
        (await account.Scim.GetAsync(path, r => r.Headers.TryAddWithoutValidation("If-None-Match", before))).AssertStatus(HttpStatusCode.OK);

        // A rename of the group changes what the user shows (groups[].display), so its ETag too; leaving moves it again.
        (await account.Scim.PatchOpsAsync($"/Groups/{group["id"]}", """[{"op":"replace","path":"displayName","value":"Renamed"}]""")).AssertStatus(HttpStatusCode.NoContent);
        var renamed = (await account.Scim.GetAsync(path)).ETag;
        Assert.NotEqual(joined.ETag, renamed);
        (await account.Scim.PatchOpsAsync($"/Groups/{group["id"]}", $$"""[{"op":"remove","path":"members[value eq \"{{user["id"]}}\"]"}]""")).AssertStatus(HttpStatusCode.NoContent);
        var left = await account.Scim.GetAsync(path);
        Assert.NotEqual(renamed, left.ETag);
        Assert.Equal(before, left.ETag); // the same representation as before it joined: the same ETag
        (await account.Scim.PatchOpsAsync(path, """[{"op":"replace","path":"title","value":"x"}]""", r => r.Headers.TryAddWithoutValidation("If-Match", left.ETag))).AssertStatus(HttpStatusCode.OK);
    }
}
