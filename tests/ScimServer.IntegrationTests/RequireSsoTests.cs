using System.Net;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;
using ScimServer.Users;

namespace ScimServer.IntegrationTests;

/// <summary>Rule 7: "Require SSO" cannot be switched on while an active Admin could not sign in through the IdP.</summary>
public sealed class RequireSsoTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    /// <summary>An Admin added by hand in the product (not by the IdP), who has only ever used a password.</summary>
    private async Task<Guid> ManualAdminAsync(TestAccount account, string userName)
    {
        await using var db = fixture.Db();
        var user = new User
        {
            Id = Guid.CreateVersion7(), AccountId = account.Id, UserName = userName, Active = true, Role = UserRole.Admin, Source = "manual",
            Data = $$$"""{"userName":"{{{userName}}}","active":true,"name":{"givenName":"M","familyName":"A"},"{{{Ext}}}":{"role":"Admin"}}""",
            Created = DateTimeOffset.UtcNow, LastModified = DateTimeOffset.UtcNow, LastLogin = DateTimeOffset.UtcNow,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    [Fact]
    public async Task RequireSso_IsRefusedWhileAManualAdminHasNoWayInThroughTheIdp()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        // An Admin the IdP provisioned can sign in through it; one added by hand cannot (yet).
        await account.Scim.CreateUserAsync("idp-admin@example.com", $$""" "{{Ext}}":{"role":"Admin"} """);
        var manual = await ManualAdminAsync(account, "hand-made@example.com");

        var refused = await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"requireSso":true}""");
        Assert.Equal("Require SSO cannot be switched on: 1 active Admin(s) could not sign in through Okta: hand-made@example.com. " +
                     "Assign them to this app in Okta so it provisions them, or have each sign in with SSO once, then retry.",
            refused.AssertProblem(HttpStatusCode.Conflict, "adminLockout"));
        Assert.False((await api.GetAsync($"/api/accounts/{account.Id}/sso")).Json!["requireSso"]!.GetValue<bool>());

        // One SSO sign-in proves the way in; then the toggle goes on.
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{manual}/sign-ins", """{"method":"Sso"}""")).AssertStatus(HttpStatusCode.OK);
        var on = (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"requireSso":true}""")).AssertStatus(HttpStatusCode.OK);
        Assert.True(on.Json!["requireSso"]!.GetValue<bool>());

        // With SSO required, passwords are refused and SSO cannot be switched off underneath.
        Assert.Equal("This account requires SSO: 'hand-made@example.com' must sign in through Okta.",
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{manual}/sign-ins", """{"method":"Password"}""")).AssertProblem(HttpStatusCode.Forbidden, "ssoRequired"));
        Assert.Equal("Require SSO is on, so SSO must stay active (it would become Configured); switch Require SSO off first.",
            (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"status":"Configured"}""")).AssertProblem(HttpStatusCode.Conflict, "ssoNotActive"));
        (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"requireSso":false}""")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RequireSso_NeedsActiveSso_AndDeactivatedAdminsDoNotCount()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        await account.Scim.CreateUserAsync("keeper@example.com", $$""" "{{Ext}}":{"role":"Admin"} """);
        var manual = await ManualAdminAsync(account, "gone@example.com");
        await using (var db = fixture.Db())
        {
            var user = await db.Users.FindAsync(manual);
            user!.Active = false;
            await db.SaveChangesAsync();
        }
        (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"status":"Configured"}""")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Require SSO needs an active SSO configuration; this account's SSO is Configured. Activate SSO first.",
            (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"requireSso":true}""")).AssertProblem(HttpStatusCode.Conflict, "ssoNotActive"));
        (await api.PutAsync($"/api/accounts/{account.Id}/sso", """{"status":"Active","requireSso":true}""")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheCliAppliesTheSameGuard()
    {
        var account = await fixture.NewAccountAsync();
        await ManualAdminAsync(account, "cli-admin@example.com");
        var (code, _, error) = await CliRunner.RunAsync(fixture, "account", "sso", account.Id.ToString(), "--require-sso", "on");
        Assert.Equal(2, code);
        Assert.Contains("1 active Admin(s) could not sign in through Okta: cli-admin@example.com", error, StringComparison.Ordinal);

        var (ok, output, _) = await CliRunner.RunAsync(fixture, "account", "sso", account.Id.ToString(), "--idp", "EntraId");
        Assert.Equal(0, ok);
        Assert.Equal("idp=EntraId status=Active requireSso=off", output.Trim());
    }
}
