using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class GroupsTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private async Task<(TestAccount Account, string[] Users)> WithUsers(int count)
    {
        var account = await fixture.NewAccountAsync();
        var users = new string[count];
        for (var i = 0; i < count; i++)
        {
            users[i] = (await account.Scim.CreateUserAsync($"member{i}@example.com", $"\"displayName\":\"Member {i}\""))["id"]!.GetValue<string>();
        }
        return (account, users);
    }

    private async Task<HashSet<Guid>> StoredMembers(string groupId)
    {
        await using var db = fixture.Db();
        return (await db.GroupMembers.Where(m => m.GroupId == Guid.Parse(groupId)).Select(m => m.MemberId).ToListAsync()).ToHashSet();
    }

    [Fact]
    public async Task Create_WithMembers_ReturnsMembersWithDisplayAndRef()
    {
        var (account, users) = await WithUsers(2);
        var group = await account.Scim.CreateGroupAsync("Sales", users);
        var members = group["members"]!.AsArray();
        Assert.Equal(2, members.Count);
        Assert.Equal("Member 0", members[0]!["display"]!.GetValue<string>());
        Assert.Equal("User", members[0]!["type"]!.GetValue<string>());
        Assert.Equal($"http://localhost/scim/v2/Users/{users[0]}", members[0]!["$ref"]!.GetValue<string>());
        Assert.Equal(users.Select(Guid.Parse).ToHashSet(), await StoredMembers(group["id"]!.GetValue<string>()));

        // The user's read-only "groups" is derived from the membership.
        var user = await account.Scim.GetAsync($"/Users/{users[0]}");
        Assert.Equal(group["id"]!.GetValue<string>(), user.Json!["groups"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("Sales", user.Json["groups"]![0]!["display"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_MissingDisplayName_Is400()
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}""");
        Assert.Equal("'displayName' is required for a Group.", response.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
    }

    [Fact]
    public async Task UnknownMembers_AreSkippedAndAudited_WhenTheConnectionIgnoresThem()
    {
        var account = await fixture.NewAccountAsync(); // an Okta connection: UnknownMembers.Ignore
        var user = (await account.Scim.CreateUserAsync("known@example.com"))["id"]!.GetValue<string>();
        var missing = Guid.NewGuid();
        var foreign = (await (await fixture.NewAccountAsync()).Scim.CreateUserAsync("foreign@example.com"))["id"]!.GetValue<string>();
        var created = await account.Scim.PostAsync("/Groups", $$"""{"displayName":"G","members":[{"value":"{{user}}"},{"value":"{{missing}}"},{"value":"{{foreign}}"}]}""");
        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal([user], created.Json!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var entry = (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=action eq 'CreateGroup'")).Json!["value"]![0]!;
        Assert.Contains(missing.ToString(), entry["changes"]!["members"]!.ToJsonString());
        Assert.Contains(foreign, entry["changes"]!["members"]!.ToJsonString()); // another account's user is just as unknown
    }

    [Fact]
    public async Task Create_UnknownMember_Is400AndCreatesNothing_WhenTheConnectionRejectsThem()
    {
        // A connection of kind Other keeps the strict default (UnknownMembers.Reject).
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { SsoIdp = ScimServer.Accounts.IdentityProviderKind.Other });
        var missing = Guid.NewGuid();
        var response = await account.Scim.PostAsync("/Groups", $$"""{"displayName":"G","members":[{"value":"{{missing}}"},{"value":"nope"}]}""");
        Assert.Equal("members value 'nope' is not the id of a User or Group of this account.", response.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        await using var db = fixture.Db();
        Assert.False(await db.Groups.AnyAsync(g => g.AccountId == account.Id));
    }

    [Fact]
    public async Task Get_ExcludedMembers_OmitsMembers()
    {
        var (account, users) = await WithUsers(1);
        var group = await account.Scim.CreateGroupAsync("G", users);
        var response = await account.Scim.GetAsync($"/Groups/{group["id"]}?excludedAttributes=members");
        Assert.Null(response.Json!["members"]);
        Assert.Equal("G", response.Json["displayName"]!.GetValue<string>());
        var only = await account.Scim.GetAsync($"/Groups/{group["id"]}?attributes=displayName");
        Assert.Null(only.Json!["members"]);
        Assert.NotNull(only.Json["id"]);
    }

    [Fact]
    public async Task Patch_AddAndRemoveMembers_AllForms()
    {
        var (account, users) = await WithUsers(5);
        var group = await account.Scim.CreateGroupAsync("G", users[0]);
        var id = group["id"]!.GetValue<string>();
        var path = $"/Groups/{id}";

        // Okta: add with path and an array of values.
        var add = await account.Scim.PatchOpsAsync(path, $$"""[{"op":"add","path":"members","value":[{"value":"{{users[1]}}"},{"value":"{{users[2]}}"}]}]""");
        add.AssertStatus(HttpStatusCode.NoContent);
        Assert.NotEqual(group["meta"]!["version"]!.GetValue<string>(), add.ETag);
        // Entra ID: capitalised op, path-less value holding members.
        (await account.Scim.PatchOpsAsync(path, $$$"""[{"op":"Add","value":{"members":[{"value":"{{{users[3]}}}"}]}}]""")).AssertStatus(HttpStatusCode.NoContent);
        // Re-adding an existing member is a no-op, not an error, and keeps the version.
        var before = (await account.Scim.GetAsync(path)).ETag;
        var again = await account.Scim.PatchOpsAsync(path, $$"""[{"op":"add","path":"members","value":[{"value":"{{users[3]}}"}]}]""");
        Assert.Equal(before, again.ETag);
        Assert.Equal(users[..4].Select(Guid.Parse).ToHashSet(), await StoredMembers(id));

        // Okta: remove by value filter.
        (await account.Scim.PatchOpsAsync(path, $$"""[{"op":"remove","path":"members[value eq \"{{users[0]}}\"]"}]""")).AssertStatus(HttpStatusCode.NoContent);
        // Entra ID: remove with a value array.
        (await account.Scim.PatchOpsAsync(path, $$"""[{"op":"Remove","path":"members","value":[{"value":"{{users[1]}}"}]}]""")).AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(new[] { users[2], users[3] }.Select(Guid.Parse).ToHashSet(), await StoredMembers(id));
        // Removing someone who is not a member succeeds (IdPs retry).
        (await account.Scim.PatchOpsAsync(path, $$"""[{"op":"remove","path":"members[value eq \"{{users[4]}}\"]"}]""")).AssertStatus(HttpStatusCode.NoContent);

        // Replace the whole list, and rename in the same request.
        (await account.Scim.PatchOpsAsync(path, $$"""[{"op":"replace","path":"members","value":[{"value":"{{users[4]}}"}]},{"op":"replace","path":"displayName","value":"H"}]""")).AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal([Guid.Parse(users[4])], await StoredMembers(id));
        // Remove all members.
        (await account.Scim.PatchOpsAsync(path, """[{"op":"remove","path":"members"}]""")).AssertStatus(HttpStatusCode.NoContent);
        Assert.Empty(await StoredMembers(id));
        var read = await account.Scim.GetAsync(path);
        Assert.Equal("H", read.Json!["displayName"]!.GetValue<string>());
        Assert.Null(read.Json["members"]);
    }

    [Fact]
    public async Task Patch_RemoveMembersByComplexFilter_KeepsOthers()
    {
        var (account, users) = await WithUsers(3);
        var group = await account.Scim.CreateGroupAsync("G", users);
        var id = group["id"]!.GetValue<string>();
        var response = await account.Scim.PatchOpsAsync($"/Groups/{id}",
            $$"""[{"op":"remove","path":"members[value eq \"{{users[0]}}\" or display eq \"member 2\"]"}]""");
        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal([Guid.Parse(users[1])], await StoredMembers(id));
    }

    [Fact]
    public async Task Patch_WithAttributesQuery_Returns200AndRepresentation()
    {
        var (account, users) = await WithUsers(1);
        var group = await account.Scim.CreateGroupAsync("G");
        var response = await account.Scim.PatchOpsAsync($"/Groups/{group["id"]}?attributes=members,displayName",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{users[0]}}"}]}]""");
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(users[0], response.Json!["members"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_BadMemberOperations_AreRefusedAtomically()
    {
        var (account, users) = await WithUsers(1);
        await using (var db = fixture.Db())
        {
            // The strict setting (a connection of kind Other has it by default).
            await db.ScimConnections.Where(c => c.AccountId == account.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UnknownGroupMembers, ScimServer.Accounts.UnknownMembers.Reject));
        }
        var group = await account.Scim.CreateGroupAsync("G");
        var id = group["id"]!.GetValue<string>();
        var response = await account.Scim.PatchOpsAsync($"/Groups/{id}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{users[0]}}"}]},{"op":"add","path":"members","value":[{"value":"{{Guid.NewGuid()}}"}]}]""");
        response.AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Empty(await StoredMembers(id));
        (await account.Scim.PatchOpsAsync($"/Groups/{id}", $$"""[{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await account.Scim.PatchOpsAsync($"/Groups/{id}", $$"""[{"op":"replace","path":"members[value eq \"{{users[0]}}\"].value","value":"x"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "mutability");
    }

    [Fact]
    public async Task Put_ReplacesDisplayNameAndMembers()
    {
        var (account, users) = await WithUsers(2);
        var group = await account.Scim.CreateGroupAsync("G", users[0]);
        var response = await account.Scim.PutAsync($"/Groups/{group["id"]}", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Renamed","members":[{"value":"{{users[1]}}"}]}
            """);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Renamed", response.Json!["displayName"]!.GetValue<string>());
        Assert.Equal([Guid.Parse(users[1])], await StoredMembers(group["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NestedGroup_IsAMemberOfTypeGroup()
    {
        var account = await fixture.NewAccountAsync();
        var child = await account.Scim.CreateGroupAsync("Child");
        var parent = await account.Scim.CreateGroupAsync("Parent", child["id"]!.GetValue<string>());
        Assert.Equal("Group", parent["members"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("Child", parent["members"]![0]!["display"]!.GetValue<string>());
        (await account.Scim.DeleteAsync($"/Groups/{child["id"]}")).AssertStatus(HttpStatusCode.NoContent);
        Assert.Empty(await StoredMembers(parent["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delete_GroupAndUserMemberships()
    {
        var (account, users) = await WithUsers(2);
        var group = await account.Scim.CreateGroupAsync("G", users);
        var id = group["id"]!.GetValue<string>();
        // Deleting a user removes it from groups and moves the group's version.
        (await account.Scim.DeleteAsync($"/Users/{users[0]}")).AssertStatus(HttpStatusCode.NoContent);
        var after = await account.Scim.GetAsync($"/Groups/{id}");
        Assert.Single(after.Json!["members"]!.AsArray());
        Assert.NotEqual(group["meta"]!["version"]!.GetValue<string>(), after.ETag);

        (await account.Scim.DeleteAsync($"/Groups/{id}")).AssertStatus(HttpStatusCode.NoContent);
        (await account.Scim.GetAsync($"/Groups/{id}")).AssertError(HttpStatusCode.NotFound, null);
        Assert.Empty(await StoredMembers(id));
        Assert.Null((await account.Scim.GetAsync($"/Users/{users[1]}")).Json!["groups"]);
    }

    [Fact]
    public async Task Get_GroupOverMemberCap_IsTooManyUnlessMembersExcluded()
    {
        var account = await fixture.NewAccountAsync();
        var group = await account.Scim.CreateGroupAsync("Big");
        var id = Guid.Parse(group["id"]!.GetValue<string>());
        await Seed.MembersAsync(fixture, account.Id, id, ScimApp.MaxMembersReturned + 1);
        var detail = (await account.Scim.GetAsync($"/Groups/{id}")).AssertError(HttpStatusCode.BadRequest, "tooMany");
        Assert.Contains("excludedAttributes=members", detail, StringComparison.Ordinal);
        (await account.Scim.GetAsync($"/Groups/{id}?excludedAttributes=members")).AssertStatus(HttpStatusCode.OK);
        (await account.Scim.GetAsync("/Groups?excludedAttributes=members")).AssertStatus(HttpStatusCode.OK);
    }
}
