using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>The audit log: what is recorded, how it is queried, and that the database and the chain catch tampering.</summary>
public sealed class AuditTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    private static async Task<JsonArray> Query(ApiClient api, Guid account, string query) =>
        (await api.GetAsync($"/api/accounts/{account}/audit?{query}")).AssertStatus(HttpStatusCode.OK).Json!["value"]!.AsArray();

    [Fact]
    public async Task ScimChanges_AreRecordedWithActorTargetAndAttributeDiff()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var user = await account.Scim.CreateUserAsync("audited@example.com", """ "password":"s3cret-Passw0rd" """);
        var id = user["id"]!.GetValue<string>();
        (await account.Scim.PatchAsync($"/Users/{id}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"name.givenName","value":"Renamed"}]}
            """)).AssertStatus(HttpStatusCode.OK);

        var entries = await Query(api, account.Id, $"$filter=targetId eq '{id}'&$orderby=seq");
        Assert.Equal(["CreateUser", "PatchUser"], entries.Select(e => e!["action"]!.GetValue<string>()));
        var create = entries[0]!;
        Assert.Equal(("ScimToken", "Success", 201, "audited@example.com"), (create["actorType"]!.GetValue<string>(),
            create["outcome"]!.GetValue<string>(), create["status"]!.GetValue<int>(), create["targetName"]!.GetValue<string>()));
        Assert.Equal("[redacted]", create["changes"]!["password"]!["after"]!.GetValue<string>());
        Assert.DoesNotContain("s3cret", create.ToJsonString());
        Assert.NotNull(create["requestId"]);
        Assert.NotNull(create["connectionId"]);
        var patch = entries[1]!["changes"]!.AsObject();
        Assert.Equal(["name.givenName"], patch.Select(p => p.Key));
        Assert.Equal("Renamed", patch["name.givenName"]!["after"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refusals_AreRecorded_WithTheirCodeAndDetail()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("solo", 1)] });
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        await account.Scim.CreateUserAsync("first@example.com");
        var refused = await account.Scim.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"second@example.com"}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        var entry = Assert.Single(await Query(api, account.Id, "$filter=outcome eq 'Refused' and action eq 'CreateUser'"))!;
        Assert.Equal((403, "second@example.com"), (entry["status"]!.GetValue<int>(), entry["targetName"]!.GetValue<string>()));
        Assert.Contains("seat", entry["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChainVerifies_AndDetectsARowAlteredDirectlyInTheDatabase()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        for (var i = 0; i < 3; i++)
        {
            await account.Scim.CreateUserAsync($"chain{i}@example.com");
        }
        var verify = (await api.GetAsync($"/api/accounts/{account.Id}/audit/verify")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.True(verify["intact"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Equal(4, verify["entries"]!.GetValue<long>()); // three creates and the operator's sign-in

        await using var db = fixture.Db();
        // The database itself refuses to change or remove an entry.
        var update = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE audit_log SET action = 'Nothing' WHERE account_id = {account.Id} AND seq = 2"));
        Assert.Contains("append-only", update.MessageText);
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync($"DELETE FROM audit_log WHERE account_id = {account.Id} AND seq = 3"));

        // Someone who switches the guard off and edits an entry is caught by the chain.
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard");
        try
        {
            await db.Database.ExecuteSqlAsync($"UPDATE audit_log SET status = 200 WHERE account_id = {account.Id} AND seq = 2");
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_log ENABLE TRIGGER audit_log_guard");
        }
        var broken = (await api.GetAsync($"/api/accounts/{account.Id}/audit/verify")).Json!;
        Assert.False(broken["intact"]!.GetValue<bool>());
        Assert.Equal((2, "altered"), (broken["firstBadSeq"]!.GetValue<long>(), broken["problem"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AuthenticationFailures_AreRecorded()
    {
        var account = await fixture.NewAccountAsync();
        var name = $"op-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, account.Id);
        var anonymous = new ApiClient(fixture.App.CreateClient());
        (await anonymous.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"wrong password"}""")).AssertProblem(HttpStatusCode.Unauthorized, "badCredentials");
        // A server of its own: unknown-token refusals are written once a minute per address, and here every test's
        // requests come from the same (no) address.
        using var fresh = fixture.App.WithWebHostBuilder(_ => { });
        var unknownToken = fresh.CreateClient();
        unknownToken.DefaultRequestHeaders.Authorization = new("Bearer", "scim_nonsense-token-value-1234567890");
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknownToken.GetAsync("/scim/v2/Users")).StatusCode);

        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var failed = Assert.Single(await Query(api, account.Id, "$filter=action eq 'Authenticate' and outcome eq 'Refused'"))!;
        Assert.Equal((401, "badCredentials", name), (failed["status"]!.GetValue<int>(), failed["code"]!.GetValue<string>(), failed["actorName"]!.GetValue<string>()));
        Assert.Single(await Query(api, account.Id, "$filter=action eq 'Authenticate' and outcome eq 'Success'"));

        var staff = await ApiClient.SignInAsync(fixture);
        // This test's entry among the server's (classes run in parallel, and others send unknown tokens too).
        var server = (await staff.GetAsync("/api/audit?$filter=code eq 'unknownToken' and actorId eq 'scim_nonsen…'&$orderby=seq desc&$top=1")).AssertStatus(HttpStatusCode.OK).Json!["value"]![0]!;
        Assert.Equal(("Anonymous", "scim_nonsen…"), (server["actorType"]!.GetValue<string>(), server["actorId"]!.GetValue<string>()));
        Assert.DoesNotContain("token-value", server.ToJsonString());
        Assert.True((await staff.GetAsync("/api/audit/verify")).AssertStatus(HttpStatusCode.OK).Json!["intact"]!.GetValue<bool>());
        var export = await staff.Http.GetStringAsync("/api/audit/export?$filter=code eq 'unknownToken'");
        Assert.Contains("scim_nonsen", export);
        Assert.DoesNotContain("token-value", export);
    }

    [Fact]
    public async Task Query_PagesWithNextLink_CountsAndRejectsBadOptions()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        for (var i = 0; i < 5; i++)
        {
            await account.Scim.CreateUserAsync($"page{i}@example.com");
        }
        var first = (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=action eq 'CreateUser'&$orderby=seq&$top=2&$count=true")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(5, first["@odata.count"]!.GetValue<long>());
        Assert.Equal(["page0@example.com", "page1@example.com"], first["value"]!.AsArray().Select(e => e!["targetName"]!.GetValue<string>()));
        var next = new Uri(first["@odata.nextLink"]!.GetValue<string>());
        var second = (await api.GetAsync(next.PathAndQuery)).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(["page2@example.com", "page3@example.com"], second["value"]!.AsArray().Select(e => e!["targetName"]!.GetValue<string>()));

        (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=nosuchfield eq 1")).AssertProblem(HttpStatusCode.BadRequest, "invalidFilter");
        var byText = (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=contains(targetName,'page3') or startswith(targetName,'page4@')&$count=true")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal(2, byText["@odata.count"]!.GetValue<long>());
        (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=contains(changes,'page4@')")).AssertProblem(HttpStatusCode.BadRequest, "invalidFilter");
        (await api.GetAsync($"/api/accounts/{account.Id}/audit?$filter=at ge 2026-01-01T00:00:00+02:00")).AssertProblem(HttpStatusCode.BadRequest, "invalidFilter");
        (await api.GetAsync($"/api/accounts/{account.Id}/audit?$top=5000")).AssertProblem(HttpStatusCode.BadRequest, "invalidFilter");
        (await api.GetAsync($"/api/accounts/{account.Id}/audit?$expand=x")).AssertProblem(HttpStatusCode.BadRequest, "invalidFilter");

        var csv = await api.Http.GetStringAsync($"/api/accounts/{account.Id}/audit/export?output=csv&$filter=action eq 'CreateUser'");
        Assert.Equal(6, csv.Trim().Split('\n').Length);
        Assert.StartsWith("seq,at,accountId,actorType", csv, StringComparison.Ordinal);
        var jsonl = await api.Http.GetStringAsync($"/api/accounts/{account.Id}/audit/export?output=jsonl");
        Assert.All(jsonl.Trim().Split('\n'), line => Assert.NotNull(JsonNode.Parse(line)!["seq"]));
    }

    [Fact]
    public async Task Erase_RemovesPersonalDataEverywhere_AndTheChainStillVerifies()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var user = await account.Scim.CreateUserAsync("forget.me@example.com", $$""" "{{Ext}}":{"creditLimit":50} """);
        var id = user["id"]!.GetValue<string>();
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/credits/consume", """{"amount":5}""")).AssertStatus(HttpStatusCode.OK);
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/erase")).AssertProblem(HttpStatusCode.Conflict, "notDeprovisioned");
        (await account.Scim.DeleteAsync($"/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);

        var erased = (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/erase")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.True(erased["erasedAuditEntries"]!.GetValue<int>() >= 3);
        var entries = await Query(api, account.Id, $"$filter=targetId eq '{id}'&$orderby=seq");
        Assert.DoesNotContain("forget.me", entries.ToJsonString());
        Assert.Equal("EraseUser", entries[^1]!["action"]!.GetValue<string>());
        Assert.All(entries.Take(entries.Count - 1), e => Assert.NotNull(e!["erasedAt"]));
        var verify = (await api.GetAsync($"/api/accounts/{account.Id}/audit/verify")).Json!;
        Assert.True(verify["intact"]!.GetValue<bool>(), verify.ToJsonString());

        await using var db = fixture.Db();
        Assert.False(await db.Users.AnyAsync(u => u.Id == Guid.Parse(id)));
        Assert.True(await db.CreditLedger.AnyAsync(e => e.AccountId == account.Id && e.UserId == null && e.Amount == 5));
        (await api.GetAsync($"/api/accounts/{account.Id}/users/{id}")).AssertProblem(HttpStatusCode.NotFound, "notFound");
    }

    [Fact]
    public async Task CliChanges_AreAudited_AndArchiveKeepsBothPartsVerifiable()
    {
        var (code, accountId, _) = await CliRunner.RunAsync(fixture, "account", "create", $"cli-{Guid.NewGuid():N}", "--tier", "Enterprise",
            "--domains", "example.com", "--products", "pro:5", "--sso", "Okta:Active");
        Assert.Equal(0, code);
        var account = Guid.Parse(accountId.Trim());
        Assert.Equal(0, (await CliRunner.RunAsync(fixture, "token", "create", account.ToString())).Code);
        var api = await ApiClient.SignInAsync(fixture, account);
        var cli = await Query(api, account, "$filter=actorType eq 'Cli'&$orderby=seq");
        Assert.Equal(["cli.account.create", "cli.token.create"], cli.Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(11, cli[1]!["changes"]!["prefix"]!["after"]!.GetValue<string>().Length); // the label, never the secret
        var exported = await CliRunner.RunAsync(fixture, "audit", "export", "--account", account.ToString(), "--format", "csv");
        Assert.Equal(0, exported.Code);
        Assert.Contains("cli.token.create", exported.Out);

        var folder = Directory.CreateTempSubdirectory("audit-archive").FullName;
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var archive = await CliRunner.RunAsync(fixture, "audit", "archive", "--account", account.ToString(), "--before", tomorrow, "--out", folder);
        Assert.True(archive.Code == 0, archive.Err);
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(3, File.ReadAllLines(file).Length); // two CLI entries and the operator's sign-in
        Assert.Empty(await Query(api, account, "$filter=actorType eq 'Cli'"));

        // Newer entries chain on from the archived ones; the database check and the file check both pass.
        await api.PutAsync($"/api/accounts/{account}/sso", """{"requireSso":false}""");
        var verify = await CliRunner.RunAsync(fixture, "audit", "verify", "--account", account.ToString());
        Assert.True(verify.Code == 0, verify.Out + verify.Err);
        Assert.Contains("intact", verify.Out);
        var fileCheck = await CliRunner.RunAsync(fixture, "audit", "verify", "--file", file);
        Assert.True(fileCheck.Code == 0, fileCheck.Out + fileCheck.Err);

        // An altered archive file is caught.
        var lines = File.ReadAllLines(file);
        lines[1] = lines[1].Replace("cli.token.create", "cli.token.revoke", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);
        var tampered = await CliRunner.RunAsync(fixture, "audit", "verify", "--file", file);
        Assert.Equal(3, tampered.Code);
        Assert.Contains("BROKEN at entry 2 (altered)", tampered.Out);
    }
}
