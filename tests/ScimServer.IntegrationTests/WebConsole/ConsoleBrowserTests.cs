using System.Net;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.WebConsole;

/// <summary>
/// The console in a real Chromium against a real server process: sign-in, the seat bars following SCIM writes,
/// refusals in plain words, and the API's scoping (another account's page is a 404). Screenshots of each page at
/// 1280×800 and 390×844 go to artifacts/console-screenshots.
/// </summary>
[Collection(RacingProcesses.Name)]
public sealed partial class ConsoleBrowserTests(ScimFixture fixture, ConsoleServer console) : IClassFixture<ScimFixture>, IClassFixture<ConsoleServer>
{
    [Fact]
    public async Task AdminSignsIn_AndTheSeatBarsFollowScimCreates()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 3)], CreditPool = 5_000 });
        var name = await NewAdminAsync(account.Id);
        var browser = console.Browser;

        browser.Reset();
        browser.Open("/console");
        Assert.Equal("/console/sign-in", browser.CurrentPath); // not signed in: the sign-in page
        browser.Screenshots("sign-in");
        browser.SignIn(name, ApiClient.Password);
        // An account's Admin lands on their account.
        Assert.Equal($"/console/accounts/{account.Id}", browser.CurrentPath);
        Assert.Equal("0 of 3 seats used", browser.Text("[data-product=pro] .seats-text"));
        Assert.Equal("5,000", browser.Text(".figures div:last-child dd"));

        var scim = console.Server.Client(account.Token);
        (await scim.PostAsync("/Users", """{"userName":"first@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        (await scim.PostAsync("/Users", """{"userName":"second@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        browser.Driver.Navigate().Refresh();
        Assert.Equal("2 of 3 seats used", browser.Text("[data-product=pro] .seats-text"));
        Assert.Contains("Pro: 2 of 3 seats used", browser.Find("[data-product=pro] svg").GetAttribute("aria-label"), StringComparison.Ordinal);
        browser.Screenshots("overview");

        // Signing out ends the session: the console asks for a sign-in again.
        browser.Submit("form.who button");
        browser.Open($"/console/accounts/{account.Id}");
        Assert.Equal("/console/sign-in", browser.CurrentPath);
    }

    [Fact]
    public async Task KeyboardOnly_SignsIn_SkipsToTheContent_AndDeactivatesAUser()
    {
        var account = await fixture.NewAccountAsync();
        var name = await NewAdminAsync(account.Id);
        (await console.Server.Client(account.Token).PostAsync("/Users", """{"userName":"ada@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        var browser = console.Browser;
        var driver = browser.Driver;
        void Press(string keys) => new OpenQA.Selenium.Interactions.Actions(driver).SendKeys(keys).Perform();
        IWebElement Focused() => driver.SwitchTo().ActiveElement();

        browser.Reset();
        browser.Open("/console/sign-in");
        // The first Tab reaches "Skip to content"; then the brand link, the user name, the password; Enter signs in.
        Press(Keys.Tab);
        Assert.Equal("Skip to content", Focused().Text);
        Press(Keys.Tab);
        Press(Keys.Tab);
        Assert.Equal("username", Focused().GetAttribute("id"));
        Press(name + Keys.Tab + ApiClient.Password);
        browser.Submit(() => Press(Keys.Enter));
        Assert.Equal($"/console/accounts/{account.Id}", browser.CurrentPath);

        // On the users list, Tab order reaches Ada's Deactivate button (named for her), and Enter presses it.
        browser.Open($"/console/accounts/{account.Id}/users");
        for (var i = 0; i < 80 && Focused().GetAttribute("aria-label") != "Deactivate ada@example.com"; i++)
        {
            Press(Keys.Tab);
        }
        Assert.Equal("Deactivate ada@example.com", Focused().GetAttribute("aria-label"));
        browser.Submit(() => Press(Keys.Enter));
        Assert.Equal("Deactivated; the seat is free.", browser.Text("#notice"));
        Assert.Equal("deactivated", browser.Text("[data-user='ada@example.com'] .status"));
    }

    [Fact]
    public async Task DeactivatingFreesTheSeat_AndAReactivationWithoutOne_IsRefusedInPlainWords_AndBothAreAudited()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 2)] });
        var name = await NewAdminAsync(account.Id);
        var scim = console.Server.Client(account.Token);
        foreach (var user in new[] { "ada@example.com", "bob@example.com" })
        {
            (await scim.PostAsync("/Users", $$$"""{"userName":"{{{user}}}","displayName":"{{{user[..3]}}}"}""")).AssertStatus(HttpStatusCode.Created);
        }
        var browser = console.Browser;
        browser.SignIn(name, ApiClient.Password);
        browser.Open($"/console/accounts/{account.Id}/users");
        Assert.Equal(2, browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("tbody tr")).Count);

        browser.Submit("[data-user='ada@example.com'] button");
        Assert.Equal("Deactivated; the seat is free.", browser.Text("#notice"));
        Assert.Equal("deactivated", browser.Text("[data-user='ada@example.com'] .status"));
        browser.Open($"/console/accounts/{account.Id}");
        Assert.Equal("1 of 2 seats used", browser.Text("[data-product=pro] .seats-text"));

        // The IdP takes the free seat; reactivating Ada now finds none, and the page says why.
        (await scim.PostAsync("/Users", """{"userName":"cy@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        browser.Open($"/console/accounts/{account.Id}/users");
        browser.Submit("[data-user='ada@example.com'] button");
        Assert.Contains("2 of 2 seats in use", browser.Text("#refusal"), StringComparison.Ordinal);
        Assert.Equal("deactivated", browser.Text("[data-user='ada@example.com'] .status"));
        browser.Screenshots("users-refusal");

        // The search box speaks the SCIM filter language, plain words included.
        browser.Open($"/console/accounts/{account.Id}/users?q=bob");
        Assert.Equal("bob@example.com", browser.Text("tbody tr td"));
        browser.Open($"/console/accounts/{account.Id}/users?q={Uri.EscapeDataString("""userName sw "cy" """.Trim())}");
        Assert.Equal("cy@example.com", browser.Text("tbody tr td"));

        await using var db = fixture.Db();
        // Like the API's: the operator as actor, Ada as subject; the deactivation, then the refusal.
        var entries = await db.Set<ScimServer.Audit.AuditEntry>()
            .Where(e => e.AccountId == account.Id && e.ActorType == "Operator" && e.TargetType == "User").OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(name, e.ActorName));
        Assert.Equal(200, entries[0].Status);
        Assert.Equal(403, entries[1].Status);
        var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
        Assert.True(chain.Intact, chain.Detail);
    }

    [Fact]
    public async Task AuditLog_FiltersToOneUsersHistory_ShowsTheChanges_AndVerifiesTheChain()
    {
        var account = await fixture.NewAccountAsync();
        var name = await NewAdminAsync(account.Id);
        var scim = console.Server.Client(account.Token);
        var ada = (await scim.PostAsync("/Users", """{"userName":"ada@example.com","title":"Analyst"}""")).Json!["id"]!.GetValue<string>();
        (await scim.PostAsync("/Users", """{"userName":"bob@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        (await scim.PatchOpsAsync($"/Users/{ada}", """[{"op":"replace","path":"title","value":"Lead"}]""")).AssertStatus(HttpStatusCode.OK);
        (await scim.PostAsync("/Users", """{"userName":"ada@example.com"}""")).AssertStatus(HttpStatusCode.Conflict);

        var browser = console.Browser;
        browser.SignIn(name, ApiClient.Password);
        browser.Open($"/console/accounts/{account.Id}/audit?target=ada@example.com");
        var entries = browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("li.entry"));
        // Newest first: the refused second create of her userName, the PATCH, the create; nothing about Bob.
        Assert.Equal(3, entries.Count);
        Assert.Contains("refused", entries[0].GetAttribute("class"), StringComparison.Ordinal);
        Assert.Contains("title", entries[1].FindElement(OpenQA.Selenium.By.CssSelector(".diff")).Text, StringComparison.Ordinal);
        Assert.Equal("Analyst", entries[1].FindElement(OpenQA.Selenium.By.CssSelector(".diff del")).Text);
        Assert.Equal("Lead", entries[1].FindElement(OpenQA.Selenium.By.CssSelector(".diff ins")).Text);

        // The export holds what the filter shows, oldest first, with the session's cookie and nothing else.
        var export = new Uri(browser.Find("#export-jsonl").GetAttribute("href")!);
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.Server.Address })
        {
            Assert.Equal(HttpStatusCode.Found, (await http.GetAsync(export.PathAndQuery)).StatusCode); // no session: to the sign-in
            using var request = new HttpRequestMessage(HttpMethod.Get, export.PathAndQuery);
            request.Headers.Add("Cookie", string.Join("; ", browser.Driver.Manage().Cookies.AllCookies.Select(c => $"{c.Name}={c.Value}")));
            using var answer = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var lines = (await answer.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["Success", "Success", "Refused"], lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["outcome"]!.GetValue<string>()));
        }

        browser.Open($"/console/accounts/{account.Id}/audit?outcome=Refused");
        Assert.Contains("uniqueness", browser.Text("li.entry .detail"), StringComparison.Ordinal);

        // By operation, typed in the form (the list offers every endpoint name): the one PATCH.
        browser.Open($"/console/accounts/{account.Id}/audit");
        Assert.NotEmpty(browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#operations option[value='PatchUser']")));
        browser.Find("#operation").SendKeys("PatchUser");
        browser.Submit("form[role=search] button");
        Assert.Equal(["PatchUser"], browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("li.entry strong")).Select(e => e.Text));

        // By one IdP connection: an Entra ID connection beside the account's Okta, chosen by name in the list.
        await using (var db = fixture.Db())
        {
            var entraToken = (await ScimServer.Tokens.TokenIssuer.MintAsync(db, account.Id, "entra", null, CancellationToken.None,
                ScimServer.Accounts.IdentityProviderKind.EntraId)).Value!.Secret;
            (await console.Server.Client(entraToken).PostAsync("/Users", """{"userName":"cy@example.com"}""")).AssertStatus(HttpStatusCode.Created);
        }
        browser.Open($"/console/accounts/{account.Id}/audit");
        browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#actor option")).Single(o => o.Text == "IdP connection: EntraId").Click();
        browser.Submit("form[role=search] button");
        var fromEntra = Assert.Single(browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("li.entry")));
        Assert.Equal("CreateUser", fromEntra.FindElement(OpenQA.Selenium.By.CssSelector("strong")).Text);
        Assert.EndsWith("User cy@example.com", fromEntra.FindElement(OpenQA.Selenium.By.CssSelector(".muted")).Text, StringComparison.Ordinal);

        browser.Open($"/console/accounts/{account.Id}/audit");
        browser.Submit("#verify"); // six entries: four writes, one refusal, and this operator's sign-in
        Assert.StartsWith("The chain is intact: 6 entries verified", browser.Text("#chain"), StringComparison.Ordinal);
        browser.Screenshots("audit");
    }

    [Fact]
    public async Task WrongPassword_IsRefusedInPlainWords_AndAuditedLikeTheApi()
    {
        var account = await fixture.NewAccountAsync();
        var name = await NewAdminAsync(account.Id);

        console.Browser.SignIn(name, "not the password");
        Assert.Equal("The user name or password is wrong.", console.Browser.Text("#sign-in-error"));
        console.Browser.Screenshots("sign-in-refused");
        await using var db = fixture.Db();
        var entry = await db.Set<ScimServer.Audit.AuditEntry>().SingleAsync(e => e.AccountId == account.Id && e.Status == 401);
        Assert.Equal("badCredentials", entry.Code);
        Assert.Equal(name, entry.ActorName);
    }

    [Fact]
    public async Task MintedTokenWorks_ShowsItsLastUse_AndStopsAtOnceWhenRevoked_AuditedAsTheApi()
    {
        var account = await fixture.NewAccountAsync();
        var browser = await SignInAsNewAdminAsync(account.Id);
        browser.Open($"/console/accounts/{account.Id}/connections");
        browser.Find("#mint-idp option[value='EntraId']").Click();
        browser.Find("#mint-name").SendKeys("entra-production");
        browser.Submit("#mint");
        var secret = browser.Text("#secret");
        browser.Screenshots("connections-minted");

        // The secret works as a SCIM token, and the list shows its use; nowhere else does the page show the secret.
        var scim = console.Server.Client(secret);
        (await scim.GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        browser.Open($"/console/accounts/{account.Id}/connections");
        Assert.DoesNotContain(secret, browser.Driver.PageSource, StringComparison.Ordinal);
        var prefix = secret[..(secret.IndexOf('_', StringComparison.Ordinal) + 7)];
        var row = browser.Find($"tr[data-token='{prefix}']");
        Assert.NotEqual("never", row.FindElement(OpenQA.Selenium.By.CssSelector("td:nth-child(4)")).Text);

        browser.Submit(row.FindElement(OpenQA.Selenium.By.CssSelector("button[value^='revoke:']")));
        Assert.StartsWith("Revoked entra-production", browser.Text("#notice"), StringComparison.Ordinal);
        Assert.Equal("revoked", browser.Text($"tr[data-token='{prefix}'] .status"));
        (await scim.GetAsync("/Users")).AssertStatus(HttpStatusCode.Unauthorized);
        browser.Screenshots("connections");

        await using var db = fixture.Db();
        var actions = await db.Set<ScimServer.Audit.AuditEntry>()
            .Where(e => e.AccountId == account.Id && e.ActorType == "Operator" && e.TargetType == "ScimToken").OrderBy(e => e.Seq).Select(e => e.Action).ToListAsync();
        Assert.Equal(["MintToken", "RevokeToken"], actions);
    }

    [Fact]
    public async Task CsvImportPreview_ShowsEveryRowsOutcome_ChangesNothing_ThenImportsAllRows()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 10)] });
        var browser = await SignInAsNewAdminAsync(account.Id);
        browser.Open($"/console/accounts/{account.Id}/users/import");
        const string header = "email,first name,last name,department,team,role\n";
        browser.Find("#text").SendKeys(header + "ana@example.com,Ana,Lima,Data,Analysts,User\nbo@example.com,Bo,Berg,Data,Analysts,Overlord\n");
        browser.Submit("#preview");
        Assert.Equal("error", browser.Text("tr[data-line='3'] .result"));
        Assert.Contains("Overlord", browser.Text("tr[data-line='3']"), StringComparison.Ordinal);
        Assert.Equal("created", browser.Text("tr[data-line='2'] .result"));
        Assert.Empty(browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#commit")));
        browser.Screenshots("import-preview");

        await using (var db = fixture.Db())
        {
            // The preview ran every rule in a transaction it rolled back: no user, no team, no audit entry.
            Assert.False(await db.Users.AnyAsync(u => u.AccountId == account.Id));
            Assert.False(await db.Groups.AnyAsync(g => g.AccountId == account.Id));
            Assert.Equal(["Authenticate"], await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id).Select(e => e.Action + (e.Status >= 400 ? $" {e.Status} {e.Detail}" : "")).ToListAsync());
        }

        browser.Find("#text").Clear();
        browser.Find("#text").SendKeys(header + "ana@example.com,Ana,Lima,Data,Analysts,User\nbo@example.com,Bo,Berg,Data,Analysts,Viewer\n");
        browser.Submit("#preview");
        Assert.Equal("2 to create, 0 to update, 0 with errors.", browser.Text("#summary"));
        browser.Submit("#commit");
        // Imported, the browser is taken to the users list (a GET: refreshing it imports nothing again).
        Assert.Equal($"/console/accounts/{account.Id}/users", browser.CurrentPath);
        Assert.True(browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#notice")).Count == 1, browser.Text("main"));
        Assert.Equal("Imported 2 rows: 2 created, 0 updated.", browser.Text("#notice"));
        Assert.Equal(2, browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("tbody tr")).Count);
        browser.Driver.Navigate().Refresh();
        Assert.Empty(browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector("#notice"))); // shown once
        await using (var db = fixture.Db())
        {
            Assert.Equal(1, await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id && e.Action == "ImportUsers").Select(e => e.RequestId).Distinct().CountAsync());
        }
        browser.Screenshots("users");
    }

    [Fact]
    public async Task AnotherAccountsPage_IsNotFound_ForAnAccountAdmin_AndOpenToStaff()
    {
        var mine = await fixture.NewAccountAsync();
        var theirs = await fixture.NewAccountAsync();
        var admin = $"admin-{Guid.NewGuid():N}@example.com";
        await ApiClient.CreateOperatorAsync(fixture, admin, mine.Id);
        console.Browser.SignIn(admin, ApiClient.Password);

        console.Browser.Open($"/console/accounts/{theirs.Id}");
        Assert.Equal("Not found", console.Browser.Text("h1"));
        console.Browser.Open("/console"); // the account list is staff's: an Admin is taken to their own account
        Assert.Equal($"/console/accounts/{mine.Id}", console.Browser.CurrentPath);

        var staff = $"staff-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, staff, null);
        console.Browser.SignIn(staff, ApiClient.Password);
        console.Browser.Open($"/console/accounts/{theirs.Id}");
        Assert.NotEqual("Not found", console.Browser.Text("h1"));
        console.Browser.Open("/console");
        Assert.Equal("Accounts", console.Browser.Text("h1"));
        console.Browser.Screenshots("accounts");
    }

    [Fact]
    public async Task Pages_CarryStrictSecurityHeaders_AndFormsNeedTheirAntiforgeryToken()
    {
        using var http = new HttpClient { BaseAddress = console.Server.Address };
        using var page = await http.GetAsync("/console/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        // A form post without the page's antiforgery token (a cross-site request) is refused before anything runs.
        using var forged = await http.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in", ["Form.Username"] = "someone", ["Form.Password"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }
}

/// <summary>One server process and one browser for the console tests (a browser's start costs seconds).</summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(await ScimFixture.SharedConnectionStringAsync());
        Browser = new Browser(Server.Address);
    }

    public async Task DisposeAsync()
    {
        Browser.Dispose();
        await Server.DisposeAsync();
    }
}
