using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Credits;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Rule 8 (credits: user limit, team limit, pool, reset) and the credit half of rule 3, through SCIM and the operator API.</summary>
public sealed class CreditTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";
    private const string TeamExt = "urn:scimserver:schemas:extension:account:1.0:Group";

    private async Task<(TestAccount Account, ApiClient Api)> PoolAsync(long credits)
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { CreditPool = credits });
        return (account, await ApiClient.SignInAsync(fixture, account.Id));
    }

    private static async Task<string> UserAsync(TestAccount account, string name, long? limit = null, string role = "User") =>
        (await account.Scim.CreateUserAsync(name, limit is null
            ? $$""" "{{Ext}}":{"role":"{{role}}"} """
            : $$$""" "{{{Ext}}}":{"role":"{{{role}}}","creditLimit":{{{limit}}}} """))["id"]!.GetValue<string>();

    private static async Task<string> TeamAsync(TestAccount account, string name, long limit, string terms, params string[] members)
    {
        var list = string.Join(",", members.Select(m => $$"""{"value":"{{m}}"}"""));
        var created = await account.Scim.PostAsync("/Groups", $$$"""
            {"displayName":"{{{name}}}","members":[{{{list}}}],"{{{TeamExt}}}":{"creditLimit":{{{limit}}},"creditTerms":"{{{terms}}}"}}
            """);
        created.AssertStatus(HttpStatusCode.Created);
        return created.Json!["id"]!.GetValue<string>();
    }

    private static Task<ApiResponse> Consume(ApiClient api, TestAccount account, string userId, long amount) =>
        api.PostAsync($"/api/accounts/{account.Id}/users/{userId}/credits/consume", $$"""{"amount":{{amount}}}""");

    private static async Task<JsonNode> Pool(ApiClient api, TestAccount account) =>
        (await api.GetAsync($"/api/accounts/{account.Id}/credits")).AssertStatus(HttpStatusCode.OK).Json!;

    [Fact]
    public async Task OwnLimit_IsSetAsideInThePool_AndStopsConsumption()
    {
        var (account, api) = await PoolAsync(1000);
        var id = await UserAsync(account, "own@example.com", 100);
        var pool = await Pool(api, account);
        Assert.Equal((1000, 0, 100, 900), (pool["total"]!.GetValue<long>(), pool["used"]!.GetValue<long>(), pool["reserved"]!.GetValue<long>(), pool["available"]!.GetValue<long>()));

        var consumed = (await Consume(api, account, id, 60)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal((60, 40, "user"), (consumed.Long("used"), consumed.Long("remaining"), consumed.Json!["limitSource"]!.GetValue<string>()));
        Assert.Equal((60, 40), (consumed.Json["pool"]!["used"]!.GetValue<long>(), consumed.Json["pool"]!["reserved"]!.GetValue<long>()));

        var refused = await Consume(api, account, id, 50);
        Assert.Equal("'own@example.com' has used 60 of 100 credits (their own limit); 50 more would exceed it. Raise the limit or reset the user's usage.",
            refused.AssertProblem(HttpStatusCode.Conflict, "userLimitExhausted"));
        var scim = await account.Scim.GetAsync($"/Users/{id}");
        Assert.Equal(60, scim.Json![Ext]!["creditsUsed"]!.GetValue<long>());
        Assert.Equal(60, (await Pool(api, account))["used"]!.GetValue<long>());

        (await Consume(api, account, id, 0)).AssertProblem(HttpStatusCode.BadRequest, "invalidAmount");
    }

    [Fact]
    public async Task AnOwnLimitLargerThanTheUnallocatedPool_IsRefused_AndNothingIsWritten()
    {
        var (account, api) = await PoolAsync(100);
        await UserAsync(account, "first@example.com", 70);
        var refused = await account.Scim.PostAsync("/Users", $$$"""{"userName":"second@example.com","{{{Ext}}}":{"creditLimit":50}}""");
        Assert.Equal("A credit limit of 50 sets aside 50 credits, but only 30 of the account's 100 are unallocated (0 used, 70 allocated to users with their own limit). " +
                     "Lower the limit, or leave it unset so the team limit applies.", refused.AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        (await account.Scim.GetAsync("/Users?filter=userName eq \"second@example.com\"")).Json!["totalResults"]!.GetValue<int>().Equals(0);
        Assert.Equal(70, (await Pool(api, account))["reserved"]!.GetValue<long>());

        // The operator API enforces the same rule and writes the limit into the SCIM document.
        var id = await UserAsync(account, "third@example.com");
        (await api.PutAsync($"/api/accounts/{account.Id}/users/{id}/credits/limit", """{"limit":31}""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue");
        (await api.PutAsync($"/api/accounts/{account.Id}/users/{id}/credits/limit", """{"limit":30}""")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(30, (await account.Scim.GetAsync($"/Users/{id}")).Json![Ext]!["creditLimit"]!.GetValue<long>());
        Assert.Equal(0, (await Pool(api, account))["available"]!.GetValue<long>());
    }

    [Fact]
    public async Task TeamLimit_AppliesToMembersWithoutTheirOwn_TheLowestWins()
    {
        var (account, api) = await PoolAsync(1000);
        var member = await UserAsync(account, "member@example.com");
        var loner = await UserAsync(account, "loner@example.com");
        await TeamAsync(account, "Sales", 50, "Monthly", member);
        await TeamAsync(account, "Interns", 30, "quarterly", member);

        (await Consume(api, account, member, 20)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("'member@example.com' has used 20 of 30 credits (the limit of team 'Interns'); 20 more would exceed it. Raise the limit or reset the user's usage.",
            (await Consume(api, account, member, 20)).AssertProblem(HttpStatusCode.Conflict, "userLimitExhausted"));
        Assert.Equal("'loner@example.com' has no credit allocation: set a credit limit on the user or on one of their teams.",
            (await Consume(api, account, loner, 1)).AssertProblem(HttpStatusCode.Conflict, "noAllocation"));

        var balance = (await api.GetAsync($"/api/accounts/{account.Id}/users/{member}/credits")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(("team", "Interns", "Quarterly", 10), (balance.Json!["limitSource"]!.GetValue<string>(), balance.Json["team"]!.GetValue<string>(),
            balance.Json["terms"]!.GetValue<string>(), balance.Long("remaining")));
        (await account.Scim.PostAsync("/Groups", $$$"""{"displayName":"Bad","{{{TeamExt}}}":{"creditTerms":"Weekly"}}"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task TeamTerm_StartsAfresh_WhenANewMonthBegins()
    {
        var (account, api) = await PoolAsync(1000);
        var member = await UserAsync(account, "monthly@example.com");
        await TeamAsync(account, "Monthly", 10, "Monthly", member);
        (await Consume(api, account, member, 10)).AssertStatus(HttpStatusCode.OK);
        (await Consume(api, account, member, 1)).AssertProblem(HttpStatusCode.Conflict, "userLimitExhausted");

        await using (var db = fixture.Db())
        {
            var lastMonth = CreditBook.TermStart(Accounts.CreditTerms.Monthly, DateTimeOffset.UtcNow)!.Value.AddDays(-3);
            await db.Users.Where(u => u.Id == Guid.Parse(member)).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreditsPeriodStart, lastMonth));
        }
        var fresh = (await Consume(api, account, member, 4)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(4, fresh.Long("used"));
        Assert.Equal(14, (await Pool(api, account))["used"]!.GetValue<long>());
    }

    [Fact]
    public async Task Pool_IsExhausted_ByTeamUsage_WithoutTouchingOwnAllocations()
    {
        var (account, api) = await PoolAsync(100);
        var reserved = await UserAsync(account, "reserved@example.com", 80);
        var member = await UserAsync(account, "teamed@example.com");
        await TeamAsync(account, "Big", 1000, "Contract", member);

        Assert.Equal("The account's credit pool is exhausted: 20 of 100 credits are unallocated (0 used, 80 set aside for users with their own limit); 30 requested.",
            (await Consume(api, account, member, 30)).AssertProblem(HttpStatusCode.Conflict, "poolExhausted"));
        (await Consume(api, account, member, 20)).AssertStatus(HttpStatusCode.OK);
        // The own-limit user still has every credit set aside for them.
        (await Consume(api, account, reserved, 80)).AssertStatus(HttpStatusCode.OK);
        var pool = await Pool(api, account);
        Assert.Equal((100, 0, 0), (pool["used"]!.GetValue<long>(), pool["reserved"]!.GetValue<long>(), pool["available"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Rule3_Deactivation_ReturnsTheUnusedAllocationToThePool()
    {
        var (account, api) = await PoolAsync(1000);
        var id = await UserAsync(account, "leaver@example.com", 300);
        (await Consume(api, account, id, 120)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(180, (await Pool(api, account))["reserved"]!.GetValue<long>());

        var deactivated = await account.Scim.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":false}]""");
        deactivated.AssertStatus(HttpStatusCode.OK);
        Assert.Null(deactivated.Json![Ext]!["creditLimit"]);
        Assert.Equal(120, deactivated.Json[Ext]!["creditsUsed"]!.GetValue<long>()); // what they used stays on record
        var pool = await Pool(api, account);
        Assert.Equal((120, 0, 880), (pool["used"]!.GetValue<long>(), pool["reserved"]!.GetValue<long>(), pool["available"]!.GetValue<long>()));
        await using (var db = fixture.Db())
        {
            var release = await db.CreditLedger.SingleAsync(e => e.UserId == Guid.Parse(id) && e.Kind == CreditEntryKind.Release);
            Assert.Equal(180, release.Amount);
        }
        Assert.Equal("'leaver@example.com' is deactivated and cannot consume credits.",
            (await Consume(api, account, id, 1)).AssertProblem(HttpStatusCode.Forbidden, "userInactive"));
        (await api.PutAsync($"/api/accounts/{account.Id}/users/{id}/credits/limit", """{"limit":10}""")).AssertProblem(HttpStatusCode.Conflict, "userInactive");

        // Reactivated, the user has no allocation until one is given again.
        (await account.Scim.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":true}]""")).AssertStatus(HttpStatusCode.OK);
        (await Consume(api, account, id, 1)).AssertProblem(HttpStatusCode.Conflict, "noAllocation");
    }

    [Fact]
    public async Task Reset_ClearsUsage_AndSetsTheOwnLimitAsideAgain()
    {
        var (account, api) = await PoolAsync(250);
        var id = await UserAsync(account, "reset@example.com", 100);
        (await Consume(api, account, id, 100)).AssertStatus(HttpStatusCode.OK);
        (await Consume(api, account, id, 1)).AssertProblem(HttpStatusCode.Conflict, "userLimitExhausted");

        // 100 used; the reset sets the full 100 aside again out of the 150 unallocated.
        var reset = (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/credits/reset")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal((0, 100, 50), (reset.Long("used"), reset.Long("remaining"), reset.Json!["pool"]!["available"]!.GetValue<long>()));
        (await Consume(api, account, id, 100)).AssertStatus(HttpStatusCode.OK);

        // Now 200 used and 50 unallocated: a second reset cannot set 100 aside.
        Assert.Equal("Resetting 'reset@example.com' would set aside 100 more credits for their own limit, but only 50 are unallocated. Lower the user's limit first.",
            (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/credits/reset")).AssertProblem(HttpStatusCode.Conflict, "poolExhausted"));
        await using var db = fixture.Db();
        Assert.Equal(100, (await db.CreditLedger.SingleAsync(e => e.UserId == Guid.Parse(id) && e.Kind == CreditEntryKind.Reset)).Amount);
    }

    [Fact]
    public async Task Viewers_CannotConsume_AndRenewalStartsAFreshYear()
    {
        var (account, api) = await PoolAsync(500);
        var viewer = await UserAsync(account, "viewer@example.com", null, "Viewer");
        await TeamAsync(account, "All", 100, "Contract", viewer);
        Assert.Equal("'viewer@example.com' is a Viewer; Viewers cannot consume credits.",
            (await Consume(api, account, viewer, 1)).AssertProblem(HttpStatusCode.Forbidden, "viewer"));

        var own = await UserAsync(account, "renew@example.com", 200);
        (await Consume(api, account, own, 150)).AssertStatus(HttpStatusCode.OK);
        var staff = await ApiClient.SignInAsync(fixture);
        var renewed = (await staff.PostAsync($"/api/accounts/{account.Id}/credits/renew", """{"credits":800}""")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal((800, 0, 200, 600), (renewed.Long("total"), renewed.Long("used"), renewed.Long("reserved"), renewed.Long("available")));
        Assert.Equal(200, (await Consume(api, account, own, 200)).AssertStatus(HttpStatusCode.OK).Long("used"));
    }

    [Fact]
    public async Task ParallelConsumption_NeverOverspendsThePool()
    {
        var (account, api) = await PoolAsync(50);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await UserAsync(account, $"rush{i}@example.com"));
        }
        await TeamAsync(account, "Everyone", 1000, "Contract", [.. ids]);
        var results = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Consume(api, account, ids[i % ids.Count], 1)));
        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(30, results.Count(r => r.Status == HttpStatusCode.Conflict));
        var pool = await Pool(api, account);
        Assert.Equal(50, pool["used"]!.GetValue<long>());
        await using var db = fixture.Db();
        Assert.Equal(50, await db.Users.Where(u => u.AccountId == account.Id).SumAsync(u => u.CreditsUsed));
        Assert.Equal(50, await db.CreditLedger.Where(e => e.AccountId == account.Id && e.Kind == CreditEntryKind.Consume).SumAsync(e => e.Amount));
    }
}
