using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;
using ScimServer.Tokens;

namespace ScimServer.IntegrationTests;

/// <summary>The account model's rules (docs/account-model.md) through the SCIM HTTP surface.</summary>
public sealed class AccountRulesTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    private Task<TestAccount> Contract(bool viewerAccess = true, params (string Code, int Seats)[] products) =>
        fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = products, ViewerAccess = viewerAccess });

    private static string As(string role, string? product = null) =>
        product is null ? $$""" "{{Ext}}":{"role":"{{role}}"} """ : $$""" "{{Ext}}":{"role":"{{role}}","product":"{{product}}"} """;

    private async Task<int> Stored(TestAccount account, bool activeOnly = true)
    {
        await using var db = fixture.Db();
        return await db.Users.CountAsync(u => u.AccountId == account.Id && u.DeletedAt == null && (!activeOnly || u.Active));
    }

    private async Task SetAsync(TestAccount account, Action<Account> change)
    {
        await using var db = fixture.Db();
        var entity = await db.Accounts.SingleAsync(a => a.Id == account.Id);
        change(entity);
        await db.SaveChangesAsync();
    }

    [Theory]
    [InlineData(AccountTier.Elite, SsoStatus.Active, "SCIM provisioning requires the Enterprise tier; this account is on the Elite tier. Ask your account team to upgrade the contract.")]
    [InlineData(AccountTier.Enterprise, SsoStatus.Configured, "SCIM provisioning requires an active SSO configuration; this account's SSO is configured but not active. Activate SSO first.")]
    [InlineData(AccountTier.Enterprise, SsoStatus.NotConfigured, "SCIM provisioning requires an active SSO configuration; this account has no SSO configured. Configure and activate SSO first.")]
    public async Task Rule1_ScimNeedsEnterpriseAndActiveSso(AccountTier tier, SsoStatus sso, string detail)
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("gate@example.com");
        await SetAsync(account, a => (a.Tier, a.SsoStatus) = (tier, sso));

        Assert.Equal(detail, (await account.Scim.GetAsync("/Users")).AssertError(HttpStatusCode.Forbidden, null));
        (await account.Scim.GetAsync($"/Users/{user["id"]}")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.PostAsync("/Users", """{"userName":"x@example.com"}""")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"active","value":false}]""")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.DeleteAsync($"/Users/{user["id"]}")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.PostAsync("/Groups", """{"displayName":"G"}""")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.PostAsync("/.search", "{}")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.GetAsync("/ServiceProviderConfig")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, await Stored(account));

        await using var db = fixture.Db();
        var minted = await TokenIssuer.MintAsync(db, account.Id, "another", null, CancellationToken.None);
        Assert.Equal(403, minted.Error!.Status);
        Assert.Equal("No SCIM token can be issued: " + detail, minted.Error.Detail);
    }

    [Fact]
    public async Task Rule2_NoFreeSeat_IsRefusedAndNothingIsWritten()
    {
        var account = await Contract(true, ("pro", 2), ("elite", 1));
        await account.Scim.CreateUserAsync("a@example.com");
        await account.Scim.CreateUserAsync("b@example.com", As("User", "pro"));
        var refused = await account.Scim.PostAsync("/Users", """{"userName":"c@example.com"}""");
        Assert.Equal("No free seat on product 'Pro' (pro): 2 of 2 seats in use. Deactivate a user of this product or add seats to the contract, then retry.",
            refused.AssertError(HttpStatusCode.Forbidden, null));
        Assert.Equal(2, await Stored(account, activeOnly: false));

        // Another product still has a seat; an inactive user takes none.
        var elite = await account.Scim.CreateUserAsync("c@example.com", As("User", "ELITE"));
        Assert.Equal("elite", elite[Ext]!["product"]!.GetValue<string>());
        await account.Scim.CreateUserAsync("d@example.com", """ "active":false """);
        (await account.Scim.PostAsync("/Users", $$"""{"userName":"e@example.com",{{As("User", "elite")}}}""")).AssertError(HttpStatusCode.Forbidden, null);
    }

    [Fact]
    public async Task Rule3_DeactivationFreesTheSeat_ReactivationNeedsOne()
    {
        var account = await Contract(true, ("pro", 1));
        var first = await account.Scim.CreateUserAsync("first@example.com");
        var deactivated = await account.Scim.PatchOpsAsync($"/Users/{first["id"]}", """[{"op":"replace","path":"active","value":"False"}]""");
        deactivated.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("pro", deactivated.Json![Ext]!["product"]!.GetValue<string>()); // the record keeps its product

        await account.Scim.CreateUserAsync("second@example.com");
        var reactivate = await account.Scim.PatchOpsAsync($"/Users/{first["id"]}", """[{"op":"replace","path":"active","value":true}]""");
        Assert.Contains("1 of 1 seats in use", reactivate.AssertError(HttpStatusCode.Forbidden, null), StringComparison.Ordinal);
        var put = await account.Scim.PutAsync($"/Users/{first["id"]}", """{"userName":"first@example.com","active":true}""");
        put.AssertError(HttpStatusCode.Forbidden, null);
        Assert.False((await account.Scim.GetAsync($"/Users/{first["id"]}")).Json!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Rule2_ViewersTakeNoSeatWithViewerAccess_AndAreRefusedWithout()
    {
        var withViewers = await Contract(true, ("pro", 1));
        await withViewers.Scim.CreateUserAsync("member@example.com");
        var viewer = await withViewers.Scim.CreateUserAsync("viewer@example.com", As("viewer"));
        Assert.Equal("Viewer", viewer[Ext]!["role"]!.GetValue<string>());
        // Promoting the Viewer would take a seat, and there is none.
        (await withViewers.Scim.PatchOpsAsync($"/Users/{viewer["id"]}", $$"""[{"op":"replace","path":"{{Ext}}:role","value":"User"}]"""))
            .AssertError(HttpStatusCode.Forbidden, null);

        var without = await Contract(false, ("pro", 5));
        var refused = await without.Scim.PostAsync("/Users", $$"""{"userName":"viewer@example.com",{{As("Viewer")}}}""");
        Assert.Equal("Viewer access is not part of this account's contract; give the user the User role, or add Viewer access to the contract.",
            refused.AssertError(HttpStatusCode.Forbidden, null));
    }

    [Fact]
    public async Task Rule2_ChangingProduct_NeedsASeatOnTheNewProduct()
    {
        var account = await Contract(true, ("pro", 5), ("elite", 1));
        await account.Scim.CreateUserAsync("elite@example.com", As("User", "elite"));
        var user = await account.Scim.CreateUserAsync("mover@example.com");
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", $$"""[{"op":"replace","path":"{{Ext}}:product","value":"elite"}]"""))
            .AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", $$"""[{"op":"replace","path":"{{Ext}}:product","value":"platinum"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task Rule4_LastActiveAdmin_CannotBeDeactivatedDemotedOrDeprovisioned()
    {
        var account = await Contract(true, ("pro", 5));
        var admin = await account.Scim.CreateUserAsync("admin@example.com", As("Admin"));
        var path = $"/Users/{admin["id"]}";
        Assert.Equal("'admin@example.com' is the last active Admin of this account and cannot be deactivated; make another user Admin first.",
            (await account.Scim.PatchOpsAsync(path, """[{"op":"replace","path":"active","value":false}]""")).AssertError(HttpStatusCode.Forbidden, null));
        Assert.Contains("cannot be demoted", (await account.Scim.PatchOpsAsync(path, $$"""[{"op":"replace","path":"{{Ext}}:role","value":"User"}]"""))
            .AssertError(HttpStatusCode.Forbidden, null), StringComparison.Ordinal);
        Assert.Contains("cannot be deprovisioned", (await account.Scim.DeleteAsync(path)).AssertError(HttpStatusCode.Forbidden, null), StringComparison.Ordinal);
        (await account.Scim.GetAsync(path)).AssertStatus(HttpStatusCode.OK);

        await account.Scim.CreateUserAsync("admin2@example.com", As("admin"));
        (await account.Scim.PatchOpsAsync(path, """[{"op":"replace","path":"active","value":false}]""")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Rule5_DeleteFreesTheSeat_AndRestoringNeedsOne()
    {
        var account = await Contract(true, ("pro", 1));
        var first = await account.Scim.CreateUserAsync("leaver@example.com");
        (await account.Scim.DeleteAsync($"/Users/{first["id"]}")).AssertStatus(HttpStatusCode.NoContent);
        var second = await account.Scim.CreateUserAsync("joiner@example.com");

        var back = await account.Scim.PostAsync("/Users", """{"userName":"leaver@example.com"}""");
        back.AssertError(HttpStatusCode.Forbidden, null);
        await using (var db = fixture.Db())
        {
            Assert.NotNull((await db.Users.SingleAsync(u => u.Id == Guid.Parse(first["id"]!.GetValue<string>()))).DeletedAt);
        }
        await account.Scim.DeleteAsync($"/Users/{second["id"]}");
        var restored = await account.Scim.CreateUserAsync("leaver@example.com");
        Assert.Equal(first["id"]!.GetValue<string>(), restored["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rule6_WithTheDomainPolicy_TheEmailMustBeInAVerifiedDomain()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { RestrictDomains = true });
        var response = await account.Scim.PostAsync("/Users", """{"userName":"someone@other.org"}""");
        Assert.Equal("userName 'someone@other.org' must be an email address in a verified domain of this account (example.com).",
            response.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        // A userName that is no address: the policy applies to the person's email, wherever it came from.
        var fromEmails = await account.Scim.PostAsync("/Users", """{"userName":"jdoe","emails":[{"value":"jdoe@other.org","type":"work"}]}""");
        Assert.Equal("The email 'jdoe@other.org' of 'jdoe' must be an address in a verified domain of this account (example.com).",
            fromEmails.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        await account.Scim.CreateUserAsync("jdoe2", """ "emails":[{"value":"jdoe@EXAMPLE.com","type":"work"}] """);
        var user = await account.Scim.CreateUserAsync("ok@EXAMPLE.COM");
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"userName","value":"ok@other.org"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("trailing@")]
    public async Task Rule6_WithTheEmailPolicy_AUserWithNoAddressAnywhere_IsRefused(string userName)
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { RequireEmail = true });
        var response = await account.Scim.PostAsync("/Users", $$"""{"userName":"{{userName}}"}""");
        Assert.Equal($"'{userName}' has no email address: userName is not an address and emails holds none. Map the user's email to userName or to emails (type work) in the IdP.",
            response.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
    }

    [Fact]
    public async Task Rule10_ExtensionCarriesRoleProductCreditsAndToggles()
    {
        var account = await Contract(true, ("pro", 5));
        var user = await account.Scim.CreateUserAsync("ext@example.com", $$"""
            "{{Ext}}":{"role":"admin","creditLimit":250,"engageAccess":"True","bulkExport":false,"creditsUsed":99}
            """);
        var ext = user[Ext]!;
        Assert.Equal("Admin", ext["role"]!.GetValue<string>());
        Assert.Equal("pro", ext["product"]!.GetValue<string>());
        Assert.Equal(250, ext["creditLimit"]!.GetValue<long>());
        Assert.Equal(0, ext["creditsUsed"]!.GetValue<long>()); // read-only: the client's 99 is ignored
        Assert.True(ext["engageAccess"]!.GetValue<bool>());
        Assert.Contains(Ext, user["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));

        var byRole = await account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString($"{Ext}:role eq \"ADMIN\" and {Ext}:creditLimit ge 100"));
        Assert.Equal(1, byRole.Json!["totalResults"]!.GetValue<int>());
        (await account.Scim.PostAsync("/Users", $$$"""{"userName":"bad@example.com","{{{Ext}}}":{"role":"Owner"}}"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await account.Scim.PostAsync("/Users", $$$"""{"userName":"neg@example.com","{{{Ext}}}":{"creditLimit":-1}}"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");

        var schema = await account.Scim.GetAsync($"/Schemas/{Ext}");
        Assert.Equal(["role", "product", "creditLimit", "creditsUsed", "engageAccess", "bulkExport", "status", "invitationExpires", "lastLogin"],
            schema.Json!["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList());
        var type = await account.Scim.GetAsync("/ResourceTypes/User");
        Assert.Contains(Ext, type.Json!["schemaExtensions"]!.AsArray().Select(e => e!["schema"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rule9_ParallelCreates_TakeExactlyTheFreeSeats()
    {
        var account = await Contract(true, ("pro", 3));
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            account.Scim.PostAsync("/Users", $$"""{"userName":"rush{{i}}@example.com"}""")));
        Assert.Equal(3, responses.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.Status == HttpStatusCode.Forbidden));
        Assert.Equal(3, await Stored(account));
    }
}
