using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>The operator API's accounts, users, teams and dashboard, and where each operator kind stops.</summary>
public sealed class OperatorApiTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    [Fact]
    public async Task Staff_CreateAndChangeAnAccount_SeatsCannotDropBelowUse()
    {
        var staff = await ApiClient.SignInAsync(fixture);
        var created = (await staff.PostAsync("/api/accounts", """
            {"name":"Acme","tier":"Enterprise","domains":["acme.test"],"products":[{"code":"pro","seats":2}],"creditPool":5000,
             "contractStart":"2026-01-01","contractEnd":"2026-12-31","viewerAccess":true}
            """)).AssertStatus(HttpStatusCode.Created).Json!;
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(("Enterprise", 5000, "pro", 2), (created["tier"]!.GetValue<string>(), created["creditPool"]!.GetValue<long>(),
            created["defaultProduct"]!.GetValue<string>(), created["products"]![0]!["purchased"]!.GetValue<int>()));

        var changed = (await staff.SendAsync(HttpMethod.Patch, $"/api/accounts/{id}", """{"products":[{"code":"pro","seats":5},{"code":"elite","seats":1}],"creditPool":8000}"""))
            .AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(8000, changed["creditPool"]!.GetValue<long>());
        Assert.Equal(["elite:1", "pro:5"], changed["products"]!.AsArray().Select(p => $"{p!["code"]}:{p["purchased"]}"));
        Assert.Contains("contractEnd", (await staff.SendAsync(HttpMethod.Patch, $"/api/accounts/{id}", """{"contractEnd":"2025-06-01"}"""))
            .AssertProblem(HttpStatusCode.BadRequest, "invalidValue"));

        // A seat in use cannot be sold back.
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 3)] });
        await account.Scim.CreateUserAsync("one@example.com");
        await account.Scim.CreateUserAsync("two@example.com");
        var detail = (await staff.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}", """{"products":[{"code":"pro","seats":1}]}"""))
            .AssertProblem(HttpStatusCode.Conflict, "seatsInUse");
        Assert.Contains("2 seats in use", detail);
        var audit = (await staff.GetAsync($"/api/accounts/{id}/audit?$filter=action eq 'UpdateAccount' and outcome eq 'Success'&$select=action,changes,actorType")).AssertStatus(HttpStatusCode.OK).Json!;
        var entry = audit["value"]![0]!;
        Assert.Equal("Operator", entry["actorType"]!.GetValue<string>());
        Assert.Equal(8000, entry["changes"]!["creditPool"]!["after"]!.GetValue<long>());
        Assert.Null(entry["targetName"]); // $select leaves other fields out
    }

    [Fact]
    public async Task AccountAdmin_SeesOnlyTheirAccount_AndCannotChangeTheContract()
    {
        var mine = await fixture.NewAccountAsync();
        var other = await fixture.NewAccountAsync();
        var admin = await ApiClient.SignInAsync(fixture, mine.Id);

        var list = (await admin.GetAsync("/api/accounts")).AssertStatus(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(mine.Id.ToString(), Assert.Single(list)!["id"]!.GetValue<string>());
        (await admin.GetAsync($"/api/accounts/{mine.Id}")).AssertStatus(HttpStatusCode.OK);
        foreach (var path in new[] { "", "/users", "/teams", "/dashboard", "/audit", "/connections" })
        {
            (await admin.GetAsync($"/api/accounts/{other.Id}{path}")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        }
        (await admin.PostAsync($"/api/accounts/{other.Id}/tokens", """{"name":"steal"}""")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        (await admin.SendAsync(HttpMethod.Patch, $"/api/accounts/{mine.Id}", """{"creditPool":99999999}""")).AssertProblem(HttpStatusCode.Forbidden, "staffOnly");
        (await admin.PostAsync("/api/accounts", """{"name":"mine too"}""")).AssertProblem(HttpStatusCode.Forbidden, "staffOnly");
        (await admin.GetAsync("/api/audit")).AssertProblem(HttpStatusCode.Forbidden, "staffOnly");

        // The probe is in the admin's own audit log, not in the other account's.
        var probes = (await admin.GetAsync($"/api/accounts/{mine.Id}/audit?$filter=code eq 'tenantMismatch'&$count=true")).Json!;
        Assert.Equal(7, probes["@odata.count"]!.GetValue<long>());
        var staff = await ApiClient.SignInAsync(fixture);
        Assert.Equal(0, (await staff.GetAsync($"/api/accounts/{other.Id}/audit?$filter=outcome eq 'Refused'&$count=true")).Json!["@odata.count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Users_SearchViewDeactivateActivateAndChangeProduct_UnderTheAccountRules()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 5), ("elite", 1)] });
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var admin = (await account.Scim.CreateUserAsync("boss@example.com", $$""" "{{Ext}}":{"role":"Admin"} """))["id"]!.GetValue<string>();
        var ann = (await account.Scim.CreateUserAsync("ann.search@example.com"))["id"]!.GetValue<string>();
        await account.Scim.CreateUserAsync("bob@example.com", $$""" "{{Ext}}":{"product":"elite"} """);

        var found = (await api.GetAsync($"/api/accounts/{account.Id}/users?search=SEARCH")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(1, found["total"]!.GetValue<int>());
        Assert.Equal("ann.search@example.com", found["users"]![0]!["userName"]!.GetValue<string>());
        var page = (await api.GetAsync($"/api/accounts/{account.Id}/users?pageSize=2&page=2")).Json!;
        Assert.Equal((3, 1), (page["total"]!.GetValue<int>(), page["users"]!.AsArray().Count));
        Assert.Equal(1, (await api.GetAsync($"/api/accounts/{account.Id}/users?product=elite")).Json!["total"]!.GetValue<int>());

        // The last Admin cannot be deactivated from the API either.
        Assert.Contains("last active Admin", (await api.PostAsync($"/api/accounts/{account.Id}/users/{admin}/deactivate"))
            .AssertProblem(HttpStatusCode.Forbidden, "forbidden"));
        // The elite seat is taken: moving Ann there is refused; deactivating and reactivating her works.
        Assert.Contains("No free seat", (await api.PutAsync($"/api/accounts/{account.Id}/users/{ann}/product", """{"product":"elite"}"""))
            .AssertProblem(HttpStatusCode.Forbidden, "forbidden"));
        Assert.Equal("deactivated", (await api.PostAsync($"/api/accounts/{account.Id}/users/{ann}/deactivate")).AssertStatus(HttpStatusCode.OK).Json!["status"]!.GetValue<string>());
        Assert.False((await account.Scim.GetAsync($"/Users/{ann}")).Json!["active"]!.GetValue<bool>());
        Assert.Equal("invited", (await api.PostAsync($"/api/accounts/{account.Id}/users/{ann}/activate")).AssertStatus(HttpStatusCode.OK).Json!["status"]!.GetValue<string>());
        var view = (await api.GetAsync($"/api/accounts/{account.Id}/users/{ann}")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(("pro", "User"), (view["product"]!.GetValue<string>(), view["role"]!.GetValue<string>()));
        (await api.GetAsync($"/api/accounts/{account.Id}/users/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound, "notFound");
    }

    [Fact]
    public async Task Teams_CreateEditMembersAndDelete()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var user = (await account.Scim.CreateUserAsync("member@example.com"))["id"]!.GetValue<string>();
        var team = (await api.PostAsync($"/api/accounts/{account.Id}/teams", """{"name":"Analysts","creditLimit":500,"creditTerms":"Monthly"}"""))
            .AssertStatus(HttpStatusCode.Created).Json!;
        var id = team["id"]!.GetValue<string>();
        Assert.Equal((500, "Monthly"), (team["creditLimit"]!.GetValue<long>(), team["creditTerms"]!.GetValue<string>()));
        (await api.PostAsync($"/api/accounts/{account.Id}/teams", """{"creditLimit":5}""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue");

        (await api.PutAsync($"/api/accounts/{account.Id}/teams/{id}/members/{user}", "{}")).AssertStatus(HttpStatusCode.OK);
        (await api.PutAsync($"/api/accounts/{account.Id}/teams/{id}/members/{Guid.NewGuid()}", "{}")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue");
        var members = (await api.GetAsync($"/api/accounts/{account.Id}/teams/{id}/members")).Json!;
        Assert.Equal("member@example.com", members["members"]![0]!["userName"]!.GetValue<string>());
        // The SCIM view agrees: the team is a Group with the user in it.
        Assert.Equal(id, (await account.Scim.GetAsync($"/Users/{user}")).Json!["groups"]![0]!["value"]!.GetValue<string>());

        var edited = (await api.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}/teams/{id}", """{"name":"Data analysts","creditLimit":null}""")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(("Data analysts", null, 1), (edited["name"]!.GetValue<string>(), edited["creditLimit"], edited["members"]!.GetValue<int>()));
        (await api.SendAsync(HttpMethod.Delete, $"/api/accounts/{account.Id}/teams/{id}/members/{user}", null)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, (await api.GetAsync($"/api/accounts/{account.Id}/teams/{id}")).Json!["members"]!.GetValue<int>());
        (await api.SendAsync(HttpMethod.Delete, $"/api/accounts/{account.Id}/teams/{id}", null)).AssertStatus(HttpStatusCode.NoContent);
        (await api.GetAsync($"/api/accounts/{account.Id}/teams/{id}")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        Assert.Equal(0, (await api.GetAsync($"/api/accounts/{account.Id}/teams")).Json!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Dashboard_ShowsCreditsSeatsMonthlyUseTopUsersAndIdleUsers()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 10)], CreditPool = 1000 });
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            users.Add((await account.Scim.CreateUserAsync($"dash{i}@example.com", $$""" "{{Ext}}":{"creditLimit":300} """))["id"]!.GetValue<string>());
        }
        for (var i = 0; i < 3; i++)
        {
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{users[i]}/credits/consume", $$"""{"amount":{{(i + 1) * 10}}}""")).AssertStatus(HttpStatusCode.OK);
        }
        await using (var db = fixture.Db())
        {
            // One user signed in 40 days ago; the others were created just now (not idle yet).
            var old = Guid.Parse(users[0]);
            var user = db.Users.Single(u => u.Id == old);
            user.LastLogin = DateTimeOffset.UtcNow.AddDays(-40);
            await db.SaveChangesAsync();
        }
        var dash = (await api.GetAsync($"/api/accounts/{account.Id}/dashboard?period=year-to-date&inactiveDays=30")).AssertStatus(HttpStatusCode.OK).Json!;
        // Own limits of 3 × 300 are set aside in the pool: 840 still reserved after 60 consumed, 100 free.
        Assert.Equal((1000L, 60L, 840L, 100L), (dash["credits"]!["total"]!.GetValue<long>(), dash["credits"]!["used"]!.GetValue<long>(),
            dash["credits"]!["reserved"]!.GetValue<long>(), dash["credits"]!["available"]!.GetValue<long>()));
        Assert.Equal((10, 3, 7), (dash["seats"]![0]!["purchased"]!.GetValue<int>(), dash["seats"]![0]!["used"]!.GetValue<int>(), dash["seats"]![0]!["left"]!.GetValue<int>()));
        Assert.Equal(60, dash["creditsInPeriod"]!.GetValue<long>());
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), dash["creditsPerMonth"]![0]!["month"]!.GetValue<string>());
        Assert.Equal(["dash2@example.com", "dash1@example.com", "dash0@example.com"], dash["topUsers"]!.AsArray().Select(u => u!["userName"]!.GetValue<string>()));
        Assert.Equal(1, dash["notSignedIn"]!["count"]!.GetValue<int>());
        Assert.Equal(0, (await api.GetAsync($"/api/accounts/{account.Id}/dashboard?period=custom&from=2020-01-01&to=2020-12-31")).Json!["creditsInPeriod"]!.GetValue<long>());
        (await api.GetAsync($"/api/accounts/{account.Id}/dashboard?period=fortnight")).AssertProblem(HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task IdpSettings_RoleMappingsAreValidated_AndConnectionSettingsChange()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var path = $"/api/accounts/{account.Id}/idp-role-mappings";
        Assert.Contains("not one this account bought", (await api.PutAsync(path, """[{"idpRole":"X","product":"platinum"}]""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue"));
        Assert.Contains("mapped twice", (await api.PutAsync(path, """[{"idpRole":"A","role":"Admin"},{"idpRole":"a","role":"User"}]""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue"));
        Assert.Contains("a role, a product", (await api.PutAsync(path, """[{"idpRole":"A"}]""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue"));
        (await api.PutAsync(path, """[{"idpRole":"Admins","role":"Admin"},{"idpRole":"Std","product":"standard"}]""")).AssertStatus(HttpStatusCode.OK);
        var mappings = (await api.GetAsync(path)).AssertStatus(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(["Admins:Admin", "Std:standard"], mappings.Select(m => $"{m!["idpRole"]}:{m["role"] ?? m["product"]}"));

        // A mapped role applies the next time the IdP writes the user.
        var user = await account.Scim.CreateUserAsync("mapped@example.com", """ "roles":[{"value":"admins"}] """);
        Assert.Equal("Admin", user["urn:scimserver:schemas:extension:account:1.0:User"]!["role"]!.GetValue<string>());

        var connection = (await api.GetAsync($"/api/accounts/{account.Id}/connections")).Json!.AsArray()[0]!;
        Assert.Equal("Ignore", connection["unknownGroupMembers"]!.GetValue<string>());
        var changed = (await api.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}/connections/{connection["id"]}", """{"unknownGroupMembers":"Reject","name":"Okta production"}"""))
            .AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(("Reject", "Okta production"), (changed["unknownGroupMembers"]!.GetValue<string>(), changed["name"]!.GetValue<string>()));
        (await account.Scim.PostAsync("/Groups", $$"""{"displayName":"G","members":[{"value":"{{Guid.NewGuid()}}"}]}""")).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await api.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}/connections/{Guid.NewGuid()}", "{}")).AssertProblem(HttpStatusCode.NotFound, "notFound");
    }
}
