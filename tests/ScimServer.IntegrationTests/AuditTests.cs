using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>The audit log: what is recorded, how it is queried, and that the database and the chain catch tampering.</summary>
[Collection(ScimCollection.Name)]
public sealed class AuditTests(ScimFixture fixture)
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
        Assert.Equal(3, verify["entries"]!.GetValue<long>());

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
}
