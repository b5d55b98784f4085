using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.WebConsole;

/// <summary>The user and team pages, the overview's charts and SSO switch, and the connection settings, in the same browser.</summary>
public sealed partial class ConsoleBrowserTests
{
    [Fact]
    public async Task UserPage_ChangesRoleProductAndLimit_ResendsTheInvitation_ShowsHistory_AndErasesOnlyWithTheNameTyped()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 3), ("lite", 1)] });
        var name = await NewAdminAsync(account.Id);
        var scim = console.Server.Client(account.Token);
        var ada = (await scim.PostAsync("/Users", """{"userName":"ada@example.com","displayName":"Ada"}""")).Json!["id"]!.GetValue<string>();
        var bob = (await scim.PostAsync("/Users", """{"userName":"bob@example.com","displayName":"Bob"}""")).Json!["id"]!.GetValue<string>();
        // Another Admin, so Ada (made Admin below) is not the last one and may be deactivated.
        var carl = (await scim.PostAsync("/Users", """{"userName":"carl@example.com"}""")).Json!["id"]!.GetValue<string>();
        await using (var setup = fixture.Db())
        {
            await setup.Database.ExecuteSqlAsync($"UPDATE users SET role = 'Admin' WHERE id = {Guid.Parse(carl)}");
        }
        var browser = console.Browser;
        browser.SignIn(name, ApiClient.Password);
        browser.Open($"/console/accounts/{account.Id}/users");
        browser.Find("[data-user='ada@example.com'] a").Click();
        Assert.Equal($"/console/accounts/{account.Id}/users/{ada}", browser.CurrentPath);
        Assert.Equal("invited", browser.Text("#status"));

        browser.Find("#new-role option[value='Admin']").Click();
        browser.Submit("#change-role");
        Assert.Equal("Role changed.", browser.Text("#notice"));
        Assert.Equal("Admin", browser.Text("#role"));
        browser.Find("#new-product option[value='lite']").Click();
        browser.Submit("#change-product");
        Assert.Equal("Lite", browser.Text("#product"));
        browser.Find("#new-limit").SendKeys("500");
        browser.Submit("#set-limit");
        Assert.Equal("500 (own)", browser.Text("#credit-limit"));
        browser.Submit("#resend");
        Assert.StartsWith("Invitation sent again", browser.Text("#notice"), StringComparison.Ordinal);
        browser.Submit("#deactivate");
        Assert.Equal("deactivated", browser.Text("#status"));
        // Newest first: the deactivation, then the resend, the limit, the product, the role, and the IdP's create.
        Assert.True(browser.Driver.FindElements(By.CssSelector("#history li")).Count >= 6, browser.Text("#history"));
        Assert.Equal("DeactivateUser", browser.Text("#history li:first-child strong"));
        Assert.Equal(["deactivated", "provisioned"], browser.Driver.FindElements(By.CssSelector("#status-history li strong")).Select(e => e.Text));
        browser.Screenshots("user");

        // Deactivated, Ada left the one Lite seat free; Bob takes it, then reactivating Ada finds none, and the page
        // says so in the API's words.
        browser.Open($"/console/accounts/{account.Id}/users/{bob}");
        browser.Find("#new-product option[value='lite']").Click();
        browser.Submit("#change-product");
        Assert.Equal("Lite", browser.Text("#product"));
        browser.Open($"/console/accounts/{account.Id}/users/{ada}");
        browser.Submit("#reactivate");
        Assert.Contains("seats", browser.Text("#refusal"), StringComparison.Ordinal);
        Assert.Equal("deactivated", browser.Text("#status"));

        // The IdP deletes Bob: his page offers the erase, which needs his name typed.
        (await scim.DeleteAsync($"/Users/{bob}")).AssertStatus(HttpStatusCode.NoContent);
        browser.Open($"/console/accounts/{account.Id}/users/{bob}");
        Assert.Equal("deprovisioned", browser.Text("#status"));
        browser.Find("#confirm").SendKeys("bob");
        browser.Submit("#erase");
        Assert.StartsWith("Nothing was erased", browser.Text("#refusal"), StringComparison.Ordinal);
        browser.Find("#confirm").SendKeys("bob@example.com");
        browser.Submit("#erase");
        Assert.StartsWith("Erased", browser.Text("#notice"), StringComparison.Ordinal);

        await using var db = fixture.Db();
        Assert.False(await db.Users.AnyAsync(u => u.Id == Guid.Parse(bob)));
        var actions = await db.Set<ScimServer.Audit.AuditEntry>()
            .Where(e => e.AccountId == account.Id && e.ActorType == "Operator" && e.Action != "Authenticate").OrderBy(e => e.Seq)
            .Select(e => e.Action + " " + e.Outcome).ToListAsync();
        Assert.Equal(["ChangeUserRole Success", "ChangeUserProduct Success", "SetCreditLimit Success", "ResendInvitation Success",
            "DeactivateUser Success", "ChangeUserProduct Success", "ActivateUser Refused", "EraseUser Success"], actions);
    }

    [Fact]
    public async Task TeamPage_ShowsUsageAgainstTheLimit_AndSavesLimitAndTermsThroughTheApi()
    {
        var account = await fixture.NewAccountAsync();
        var name = await NewAdminAsync(account.Id);
        var scim = console.Server.Client(account.Token);
        var ids = new List<string>();
        foreach (var user in new[] { "ana@example.com", "ben@example.com" })
        {
            ids.Add((await scim.PostAsync("/Users", $$$"""{"userName":"{{{user}}}"}""")).Json!["id"]!.GetValue<string>());
        }
        (await scim.PostAsync("/Groups", $$$"""{"displayName":"Analysts","members":[{"value":"{{{ids[0]}}}"},{"value":"{{{ids[1]}}}"}]}""")).AssertStatus(HttpStatusCode.Created);
        var browser = console.Browser;
        browser.SignIn(name, ApiClient.Password);
        browser.Open($"/console/accounts/{account.Id}/teams");
        Assert.Equal("2", browser.Text("[data-team='Analysts'] td:nth-child(2)"));
        browser.Screenshots("teams");
        browser.Find("[data-team='Analysts'] a").Click();
        Assert.Equal("none", browser.Text("#limit"));

        browser.Find("#team-limit").SendKeys("100");
        browser.Find("#team-terms option[value='Monthly']").Click();
        browser.Submit("#save-team");
        Assert.Equal("Saved.", browser.Text("#notice"));
        Assert.Equal("100", browser.Text("#limit"));

        // Ana spends her whole team allowance through the API; the page counts her at the limit.
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{ids[0]}/credits/consume", """{"amount":100}""")).AssertStatus(HttpStatusCode.OK);
        // A refresh: the save answered a redirect, so this reads the page again and posts nothing (one UpdateTeam below).
        browser.Driver.Navigate().Refresh();
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("#notice")));
        Assert.Equal("100", browser.Text("#used"));
        Assert.Equal("1", browser.Text("#at-limit"));
        Assert.Contains("100 of 100 credits", browser.Find("[data-user='ana@example.com'] svg").GetAttribute("aria-label"), StringComparison.Ordinal);
        browser.Screenshots("team");

        await using var db = fixture.Db();
        var update = await db.Set<ScimServer.Audit.AuditEntry>().SingleAsync(e => e.AccountId == account.Id && e.Action == "UpdateTeam");
        Assert.Equal(("Operator", "Success"), (update.ActorType, update.Outcome));
        Assert.Contains("creditLimit", update.Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_ChartsEachConnectionsActivity_CountsPendingInvitations_AndExplainsTheRequireSsoGuard()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { CreditPool = 1_000 });
        var name = await NewAdminAsync(account.Id);
        var scim = console.Server.Client(account.Token);
        var ada = (await scim.PostAsync("/Users", """{"userName":"ada@example.com"}""")).Json!["id"]!.GetValue<string>();
        var bob = (await scim.PostAsync("/Users", """{"userName":"bob@example.com"}""")).Json!["id"]!.GetValue<string>();
        (await scim.PatchOpsAsync($"/Users/{ada}", """[{"op":"replace","path":"active","value":false}]""")).AssertStatus(HttpStatusCode.OK);
        (await scim.PostAsync("/Users", """{"userName":"bob@example.com"}""")).AssertStatus(HttpStatusCode.Conflict);
        // An Admin the IdP did not provision and who never used SSO: Require SSO would lock her out.
        var cy = (await scim.PostAsync("/Users", """{"userName":"cy@example.com"}""")).Json!["id"]!.GetValue<string>();
        await using (var db = fixture.Db())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE users SET role = 'Admin', connection_id = NULL WHERE id = {Guid.Parse(cy)}");
        }

        // Bob spends 40 credits of an allowance of 100: this month's column.
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        (await api.PutAsync($"/api/accounts/{account.Id}/users/{bob}/credits/limit", """{"limit":100}""")).AssertStatus(HttpStatusCode.OK);
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{bob}/credits/consume", """{"amount":40}""")).AssertStatus(HttpStatusCode.OK);

        var browser = console.Browser;
        browser.SignIn(name, ApiClient.Password);
        browser.Open($"/console/accounts/{account.Id}");
        Assert.Equal("Credits consumed per month: 40 this contract year", browser.Find("#monthly-title + figure svg").GetAttribute("aria-label"));
        var month = DateTime.UtcNow.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"{month}: 40 credits", browser.Find("#monthly-title + figure svg").GetAttribute("innerHTML"), StringComparison.Ordinal);
        var chart = browser.Find("[data-activity] svg").GetAttribute("aria-label");
        Assert.Contains("Okta: 3 creates, 0 updates, 1 deactivations, 1 refusals in 30 days", chart, StringComparison.Ordinal);
        Assert.StartsWith("2 provisioned users have not signed in yet", browser.Text("#invitations"), StringComparison.Ordinal);
        Assert.Contains("cy@example.com", browser.Text("#sso-guard"), StringComparison.Ordinal);
        browser.Screenshots("overview-charts");
        ((IJavaScriptExecutor)browser.Driver).ExecuteScript("document.getElementById('activity-title').scrollIntoView()");
        browser.Screenshots("overview-activity");

        browser.Submit("#toggle-sso");
        Assert.Contains("Require SSO cannot be switched on: 1 active Admin(s)", browser.Text("#refusal"), StringComparison.Ordinal);
        Assert.Contains("is off", browser.Text("#require-sso"), StringComparison.Ordinal);
        await using (var db = fixture.Db())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE users SET sso_sign_in_at = now() WHERE id = {Guid.Parse(cy)}");
        }
        browser.Open($"/console/accounts/{account.Id}");
        Assert.StartsWith("Every active Admin can sign in", browser.Text("#sso-guard"), StringComparison.Ordinal);
        browser.Submit("#toggle-sso");
        Assert.Equal("Require SSO is on.", browser.Text("#notice"));

        await using var check = fixture.Db();
        var sso = await check.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id && e.Action == "PutSso").OrderBy(e => e.Seq)
            .Select(e => e.Outcome + " " + e.Code).ToListAsync();
        Assert.Equal(["Refused adminLockout", "Success "], sso);
    }

    [Fact]
    public async Task ConnectionSettingsAndRoleMappings_AreEditedThroughTheApisRules()
    {
        var account = await fixture.NewAccountAsync();
        var browser = await SignInAsNewAdminAsync(account.Id);
        browser.Open($"/console/accounts/{account.Id}/connections");

        browser.Find("#settings-unknown option[value='Ignore']").Click();
        browser.Submit("#save-settings");
        Assert.Equal("Connection settings saved.", browser.Text("#notice"));
        Assert.Contains("skipped and recorded", browser.Text("[data-connection] p.muted"), StringComparison.Ordinal);

        // A row that grants nothing is refused with the API's words, and nothing is saved.
        browser.Find("input[name='Map.Rows[0].IdpRole']").SendKeys("app-reader");
        browser.Submit("#save-mappings");
        Assert.Contains("needs an idpRole and a role", browser.Text("#refusal"), StringComparison.Ordinal);
        browser.Find("input[name='Map.Rows[0].IdpRole']").SendKeys("app-admin");
        browser.Find("select[name='Map.Rows[0].Role'] option[value='Admin']").Click();
        browser.Find("input[name='Map.Rows[1].IdpRole']").SendKeys("app-viewer");
        browser.Find("select[name='Map.Rows[1].Role'] option[value='Viewer']").Click();
        browser.Submit("#save-mappings");
        Assert.Equal("Role mappings saved: 2.", browser.Text("#notice"));
        Assert.Equal("app-admin", browser.Find("input[name='Map.Rows[0].IdpRole']").GetAttribute("value"));
        browser.Screenshots("connections-settings");

        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var mappings = (await api.GetAsync($"/api/accounts/{account.Id}/idp-role-mappings")).Body;
        Assert.Contains("app-viewer", mappings, StringComparison.Ordinal);
        await using var db = fixture.Db();
        var actions = await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id && e.ActorType == "Operator" && e.Action != "Authenticate")
            .OrderBy(e => e.Seq).Select(e => e.Action + " " + e.Outcome).ToListAsync();
        Assert.Equal(["UpdateConnection Success", "PutIdpRoleMappings Refused", "PutIdpRoleMappings Success"], actions);
    }

    /// <summary>A new operator who is the account's Admin; returns the user name (the password is <see cref="ApiClient.Password"/>).</summary>
    private async Task<string> NewAdminAsync(Guid accountId)
    {
        var name = $"admin-{Guid.NewGuid():N}@example.com";
        await ApiClient.CreateOperatorAsync(fixture, name, accountId);
        return name;
    }

    private async Task<Browser> SignInAsNewAdminAsync(Guid accountId)
    {
        console.Browser.SignIn(await NewAdminAsync(accountId), ApiClient.Password);
        return console.Browser;
    }
}
