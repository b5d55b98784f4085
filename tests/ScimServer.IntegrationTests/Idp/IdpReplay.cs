using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.Idp;

/// <summary>
/// Replays an IdP's requests byte for byte (bodies as that IdP documents them, its content type) and keeps the
/// ids the server hands out, so a test reads like the IdP's provisioning log.
/// </summary>
public sealed class IdpReplay(ScimFixture fixture, TestAccount account, string contentType)
{
    public TestAccount Account { get; } = account;

    public static async Task<IdpReplay> StartAsync(ScimFixture fixture, IdentityProviderKind idp, string contentType, params (string Code, int Seats)[] products)
    {
        var spec = ScimFixture.OpenContract() with
        {
            Domains = ["example.com", "okta.local", "testuser.com", "onelogin.test"],
            Products = products.Length == 0 ? [("standard", 1000)] : products,
            SsoIdp = idp,
        };
        return new IdpReplay(fixture, await fixture.NewAccountAsync(spec: spec), contentType);
    }

    public Task<ScimResponse> Send(string method, string path, string? body = null) =>
        Account.Scim.SendAsync(new HttpMethod(method), path, body, contentType: contentType);

    public async Task<string> Created(string method, string path, string body)
    {
        var response = await Send(method, path, body);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!["id"]!.GetValue<string>();
    }

    /// <summary>Switches the account's SSO off behind the IdP's back (an admin reconfiguring it), as rule 1 then refuses SCIM.</summary>
    public async Task SsoStatusAsync(SsoStatus status)
    {
        await using var db = fixture.Db();
        await db.Accounts.Where(a => a.Id == Account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.SsoStatus, status));
    }
}
