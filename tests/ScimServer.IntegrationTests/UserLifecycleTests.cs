using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>User status (invited, active, deactivated), the 30-day invitation, required names, and the provisioning connection.</summary>
public sealed class UserLifecycleTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    [Fact]
    public async Task ANewUserIsInvited_ASignInMakesThemActive_DeactivationShows()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var user = await account.Scim.CreateUserAsync("new@example.com");
        var id = user["id"]!.GetValue<string>();
        Assert.Equal("invited", user[Ext]!["status"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(user[Ext]!["invitationExpires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));

        (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/sign-ins", """{"method":"Password"}""")).AssertStatus(HttpStatusCode.OK);
        var active = (await account.Scim.GetAsync($"/Users/{id}")).Json![Ext]!;
        Assert.Equal("active", active["status"]!.GetValue<string>());
        Assert.Null(active["invitationExpires"]);
        Assert.NotNull(active["lastLogin"]);
        Assert.Equal("'new@example.com' is active; only a pending invitation can be resent.",
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/invitation")).AssertProblem(HttpStatusCode.Conflict, "notInvited"));

        var off = await account.Scim.PatchOpsAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.Equal("deactivated", off.Json![Ext]!["status"]!.GetValue<string>());
        Assert.Equal("'new@example.com' is deactivated and cannot sign in.",
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/sign-ins", """{"method":"Sso"}""")).AssertProblem(HttpStatusCode.Forbidden, "userInactive"));

        // Status is computed: a client cannot set it.
        var put = await account.Scim.PutAsync($"/Users/{id}", $$$"""{"userName":"new@example.com","{{{Ext}}}":{"status":"active"}}""");
        put.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("deactivated", put.Json![Ext]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnExpiredInvitation_BlocksSignIn_UntilResent()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var id = (await account.Scim.CreateUserAsync("late@example.com"))["id"]!.GetValue<string>();
        await using (var db = fixture.Db())
        {
            await db.Users.Where(u => u.Id == Guid.Parse(id)).ExecuteUpdateAsync(s => s.SetProperty(u => u.InvitedAt, DateTimeOffset.UtcNow.AddDays(-31)));
        }
        Assert.Equal("The invitation of 'late@example.com' expired; an Admin can resend it.",
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/sign-ins", """{"method":"Sso"}""")).AssertProblem(HttpStatusCode.Forbidden, "invitationExpired"));
        var resent = (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/invitation")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Invited", resent.Json!["status"]!.GetValue<string>());
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/sign-ins", """{"method":"Sso"}""")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GivenAndFamilyName_AreRequired_WhereTheAccountAsks()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { RequireNames = true });
        var missing = await account.Scim.SendAsync(HttpMethod.Post, "/Users", """{"userName":"anon@example.com","name":{"givenName":"Only"}}""");
        Assert.Equal("'anon@example.com' needs name.givenName and name.familyName: every user of the account has a first and a last name. Map them in the IdP.",
            missing.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        var user = await account.Scim.CreateUserAsync("named@example.com");
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"remove","path":"name.familyName"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task UsersRecordTheConnectionThatProvisionedThem()
    {
        var account = await fixture.NewAccountAsync();
        var id = Guid.Parse((await account.Scim.CreateUserAsync("linked@example.com"))["id"]!.GetValue<string>());
        await using var db = fixture.Db();
        var user = await db.Users.SingleAsync(u => u.Id == id);
        var connection = await db.ScimConnections.SingleAsync(c => c.AccountId == account.Id);
        Assert.Equal(connection.Id, user.ConnectionId);
        Assert.Equal(Accounts.IdentityProviderKind.Okta, connection.Idp);
        Assert.Equal(connection.Id, (await db.ScimTokens.SingleAsync(t => t.AccountId == account.Id)).ConnectionId);
    }
}
