using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>POST /Bulk (RFC 7644 §3.7): bulkId references, per-operation outcomes and transactions, failOnErrors, limits, the account rules.</summary>
public sealed class BulkTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private static string Bulk(string operations, string? failOnErrors = null) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],{{(failOnErrors is null ? "" : $"\"failOnErrors\":{failOnErrors},")}}"Operations":[{{operations}}]}""";

    private static JsonArray Operations(ScimResponse response)
    {
        response.AssertStatus(HttpStatusCode.OK);
        return response.Json!["Operations"]!.AsArray();
    }

    private static string Status(JsonNode? op) => op!["status"]!.GetValue<string>();

    [Fact]
    public async Task ForwardReference_GroupBeforeItsMember_ResolvesAndReportsEachOperation()
    {
        var account = await fixture.NewAccountAsync();
        var response = await account.Scim.PostAsync("/Bulk", Bulk("""
            {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"type":"User","value":"bulkId:u1"}]}},
            {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com"}},
            {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Guide"}]}}
            """));
        var ops = Operations(response);
        Assert.Equal(3, ops.Count);
        Assert.Equal(["201", "201", "200"], ops.Select(Status));
        Assert.Equal("g1", ops[0]!["bulkId"]!.GetValue<string>());
        var userLocation = ops[1]!["location"]!.GetValue<string>();
        Assert.Equal(userLocation, ops[2]!["location"]!.GetValue<string>());
        var userId = userLocation[(userLocation.LastIndexOf('/') + 1)..];

        var group = await account.Scim.GetAsync(new Uri(ops[0]!["location"]!.GetValue<string>()).AbsolutePath[ScimClient.Base.Length..]);
        Assert.Equal(userId, group.Json!["members"]![0]!["value"]!.GetValue<string>());
        var user = await account.Scim.GetAsync($"/Users/{userId}");
        Assert.Equal("Guide", user.Json!["title"]!.GetValue<string>());
        // The version each operation reports is the resource's ETag after it (the PATCH's, last).
        Assert.Equal(user.ETag, ops[2]!["version"]!.GetValue<string>());
        Assert.Null(ops[0]!["response"]);
    }

    [Fact]
    public async Task NestedAndPathReferences_InPatchValuesAndFilters_Resolve_AndDeleteByBulkId()
    {
        var account = await fixture.NewAccountAsync();
        var ops = Operations(await account.Scim.PostAsync("/Bulk", Bulk("""
            {"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"a@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"b","data":{"userName":"b@example.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:a"}}}},
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"displayName":"Both"}},
            {"method":"PATCH","path":"/Groups/bulkId:g","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:a"},{"value":"bulkId:b"}]}]}},
            {"method":"PATCH","path":"/Groups/bulkId:g","data":[{"op":"remove","path":"members[value eq \"bulkId:a\"]"}]},
            {"method":"DELETE","path":"/Users/bulkId:a"}
            """)));
        Assert.Equal(["201", "201", "201", "204", "204", "204"], ops.Select(Status));
        var ids = ops.Take(3).Select(o => o!["location"]!.GetValue<string>().Split('/')[^1]).ToList();
        var b = await account.Scim.GetAsync($"/Users/{ids[1]}");
        Assert.Equal(ids[0], b.Json!["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]!["value"]!.GetValue<string>());
        var group = await account.Scim.GetAsync($"/Groups/{ids[2]}");
        Assert.Equal([ids[1]], group.Json!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        (await account.Scim.GetAsync($"/Users/{ids[0]}")).AssertStatus(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EveryOperationError_IsThatOperationsOwn_AndTheOthersStillRun()
    {
        var account = await fixture.NewAccountAsync();
        var existing = await account.Scim.CreateUserAsync("taken@example.com");
        var ops = Operations(await account.Scim.PostAsync("/Bulk", Bulk($$$"""
            {"method":"POST","path":"/Users","data":{"userName":"nobulkid@example.com"}},
            {"method":"FETCH","path":"/Users"},
            {"method":"POST","path":"/Users","bulkId":"dup","data":{"userName":"dup1@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"dup","data":{"userName":"dup2@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"taken","data":{"userName":"TAKEN@example.com"}},
            {"method":"PATCH","path":"/Users/bulkId:taken","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}},
            {"method":"PATCH","path":"/Users/bulkId:nowhere","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}},
            {"method":"PUT","path":"/Users/{{{existing["id"]}}}","version":"W/\"1\"","data":{"userName":"taken@example.com"}},
            {"method":"DELETE","path":"/Users/{{{Guid.NewGuid()}}}"},
            {"method":"POST","path":"/Things","bulkId":"t","data":{}},
            {"method":"PUT","path":"/Users","data":{"userName":"x@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"bad","data":{"userName":""}},
            {"method":"PATCH","path":"/Users/{{{existing["id"]}}}","data":{"Operations":[]}},
            {"method":"POST","path":"/Users","bulkId":"ok","data":{"userName":"fine@example.com"}}
            """)));
        Assert.Equal(14, ops.Count);
        string[] statuses = ["400", "400", "201", "400", "409", "409", "400", "412", "404", "400", "400", "400", "400", "201"];
        Assert.Equal(statuses, ops.Select(Status));
        string?[] types = ["invalidSyntax", "invalidValue", null, "invalidValue", "uniqueness", null, "invalidValue", null, null, "invalidPath", "invalidPath", null, "invalidSyntax", null];
        for (var i = 0; i < ops.Count; i++)
        {
            var response = ops[i]!["response"];
            if (statuses[i].StartsWith('2'))
            {
                Assert.Null(response);
                continue;
            }
            Assert.Equal(statuses[i], response!["status"]!.GetValue<string>());
            if (types[i] is not null)
            {
                Assert.Equal(types[i], response["scimType"]?.GetValue<string>());
            }
            Assert.False(string.IsNullOrWhiteSpace(response["detail"]!.GetValue<string>()));
        }
        Assert.Contains("failed (409)", ops[5]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // A failed POST has no location; the others name what they were about.
        Assert.Null(ops[4]!["location"]);
        Assert.EndsWith($"/Users/{existing["id"]}", ops[7]!["location"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var db = fixture.Db();
        var names = await db.Users.Where(u => u.AccountId == account.Id).Select(u => u.UserName).OrderBy(n => n).ToListAsync();
        Assert.Equal(["dup1@example.com", "fine@example.com", "taken@example.com"], names);
    }

    [Fact]
    public async Task CircularReferences_AreResolved_InOneUnitOfWork()
    {
        var account = await fixture.NewAccountAsync();
        var ops = Operations(await account.Scim.PostAsync("/Bulk", Bulk("""
            {"method":"POST","path":"/Groups","bulkId":"x","data":{"displayName":"X","members":[{"value":"bulkId:y","type":"Group"},{"value":"bulkId:u"}]}},
            {"method":"POST","path":"/Groups","bulkId":"y","data":{"displayName":"Y","members":[{"value":"bulkId:x","type":"Group"}]}},
            {"method":"POST","path":"/Groups","bulkId":"z","data":{"displayName":"Z","members":[{"value":"bulkId:x"}]}},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"userName":"boss@example.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:v"}}}},
            {"method":"POST","path":"/Users","bulkId":"v","data":{"userName":"deputy@example.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:u"}}}}
            """)));
        Assert.Equal(["201", "201", "201", "201", "201"], ops.Select(Status));
        var ids = ops.Select(o => o!["location"]!.GetValue<string>().Split('/')[^1]).ToList();
        async Task<List<string>> Members(int i) =>
            (await account.Scim.GetAsync($"/Groups/{ids[i]}")).Json!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(new[] { ids[1], ids[3] }.Order(), await Members(0));
        Assert.Equal([ids[0]], await Members(1));
        Assert.Equal([ids[0]], await Members(2));
        string Manager(ScimResponse r) => r.Json!["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["manager"]!["value"]!.GetValue<string>();
        Assert.Equal(ids[4], Manager(await account.Scim.GetAsync($"/Users/{ids[3]}")));
        var deputy = await account.Scim.GetAsync($"/Users/{ids[4]}");
        Assert.Equal(ids[3], Manager(deputy));
        // The version reported is the resource's after its references were added (the boss's moved on when X took it in).
        Assert.Equal(deputy.ETag, ops[4]!["version"]!.GetValue<string>());
        Assert.Equal((await account.Scim.GetAsync($"/Groups/{ids[0]}")).ETag, ops[0]!["version"]!.GetValue<string>());
        // Each create is audited under its own action (a circle member's added references as a second entry of it).
        await using var db = fixture.Db();
        var entries = await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id).ToListAsync();
        Assert.Equal(["CreateGroup", "CreateUser"], entries.Select(e => e.Action).Distinct().Order());
        Assert.Equal(ids.Order(), entries.Select(e => e.TargetId!).Distinct().Order());
        Assert.Single(entries.Select(e => e.RequestId).Distinct());
    }

    [Fact]
    public async Task ACircleThatCannotBeResolved_KeepsNothingOfIt_AndNamesTheStepThatFailed()
    {
        var account = await fixture.NewAccountAsync();
        var ops = Operations(await account.Scim.PostAsync("/Bulk", Bulk("""
            {"method":"POST","path":"/Groups","bulkId":"a","data":{"displayName":"A","members":[{"value":"bulkId:b"}]}},
            {"method":"POST","path":"/Groups","bulkId":"b","data":{"displayName":"B","members":[{"value":"bulkId:a"}]}},
            {"method":"POST","path":"/Groups","bulkId":"self","data":{"displayName":"Self","members":[{"value":"bulkId:self"}]}},
            {"method":"POST","path":"/Groups","bulkId":"c","data":{"displayName":"A","members":[{"value":"bulkId:d"}]}},
            {"method":"POST","path":"/Groups","bulkId":"d","data":{"displayName":"D","members":[{"value":"bulkId:c"}]}},
            {"method":"POST","path":"/Groups","bulkId":"e","data":{"displayName":"E","members":[{"value":"bulkId:c"}]}}
            """)));
        Assert.Equal(["201", "201", "400", "409", "409", "409"], ops.Select(Status));
        Assert.Contains("member of itself", ops[2]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // c's name is taken (by a): c answers the uniqueness error, d that it went down with c, e that c failed.
        Assert.Equal("uniqueness", ops[3]!["response"]!["scimType"]!.GetValue<string>());
        Assert.Contains("Operations[3]", ops[4]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("failed (409)", ops[5]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var db = fixture.Db();
        Assert.Equal(["A", "B"], await db.Groups.Where(g => g.AccountId == account.Id).Select(g => g.DisplayName).OrderBy(n => n).ToListAsync());
    }

    [Fact]
    public async Task FailOnErrors_StopsAfterThatManyErrors_AndSkipsTheRest()
    {
        var account = await fixture.NewAccountAsync();
        var ops = Operations(await account.Scim.PostAsync("/Bulk", Bulk("""
            {"method":"POST","path":"/Users","bulkId":"1","data":{"userName":"f1@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"2","data":{"userName":"F1@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"3","data":{"userName":"f3@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"4","data":{"userName":"f3@example.com"}},
            {"method":"POST","path":"/Users","bulkId":"5","data":{"userName":"f5@example.com"}}
            """, failOnErrors: "2")));
        Assert.Equal(["201", "409", "201", "409"], ops.Select(Status));
        await using var db = fixture.Db();
        Assert.Equal(2, await db.Users.CountAsync(u => u.AccountId == account.Id));

        (await account.Scim.PostAsync("/Bulk", Bulk("""{"method":"DELETE","path":"/Users/x"}""", failOnErrors: "0"))).AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Fact]
    public async Task Limits_Are413WithTheLimitsNamed_AndAdvertised()
    {
        var account = await fixture.NewAccountAsync();
        var config = (await account.Scim.GetAsync("/ServiceProviderConfig")).Json!["bulk"]!;
        Assert.True(config["supported"]!.GetValue<bool>());
        var maxOperations = config["maxOperations"]!.GetValue<int>();
        var maxPayload = config["maxPayloadSize"]!.GetValue<int>();
        Assert.Equal(1000, maxOperations);

        var tooMany = string.Join(",", Enumerable.Range(0, maxOperations + 1).Select(i => $$"""{"method":"DELETE","path":"/Users/{{i}}"}"""));
        var detail = (await account.Scim.PostAsync("/Bulk", Bulk(tooMany))).AssertError(HttpStatusCode.RequestEntityTooLarge, null);
        Assert.Contains($"maxOperations is {maxOperations}", detail, StringComparison.Ordinal);

        var big = Bulk($$$"""{"method":"POST","path":"/Users","bulkId":"big","data":{"userName":"big@example.com","title":"{{{new string('x', maxPayload)}}}"}}""");
        detail = (await account.Scim.PostAsync("/Bulk", big)).AssertError(HttpStatusCode.RequestEntityTooLarge, null);
        Assert.Contains($"maxPayloadSize ({maxPayload} bytes", detail, StringComparison.Ordinal);

        (await account.Scim.PostAsync("/Bulk", """{"Operations":[{"method":"DELETE","path":"/Users/x"}]}""")).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await account.Scim.PostAsync("/Bulk", Bulk(""))).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        await using var db = fixture.Db();
        Assert.Equal(0, await db.Users.CountAsync(u => u.AccountId == account.Id));
    }

    [Fact]
    public async Task SeatsRunOutMidBulk_EarlierCreatesStand_LaterOnesAreRefused_EachAudited()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", 3)] });
        var creates = string.Join(",", Enumerable.Range(0, 5).Select(i => $$$"""{"method":"POST","path":"/Users","bulkId":"s{{{i}}}","data":{"userName":"seat{{{i}}}@example.com"}}"""));
        var response = await account.Scim.PostAsync("/Bulk", Bulk(creates));
        var ops = Operations(response);
        Assert.Equal(["201", "201", "201", "403", "403"], ops.Select(Status));
        Assert.Contains("3 of 3 seats in use", ops[3]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await using var db = fixture.Db();
        Assert.Equal(3, await db.Users.CountAsync(u => u.AccountId == account.Id && u.Active));
        Assert.Equal(3, await db.Products.Where(p => p.AccountId == account.Id).Select(p => p.SeatsUsed).SingleAsync());
        // One entry per operation (and none for the bulk itself), all with the bulk request's id.
        var entries = await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == account.Id).OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(5, entries.Count);
        Assert.All(entries, e => Assert.Equal("CreateUser", e.Action));
        Assert.Single(entries.Select(e => e.RequestId).Distinct());
        Assert.Equal(["Success", "Success", "Success", "Refused", "Refused"], entries.Select(e => e.Outcome));
        Assert.Equal(403, entries[3].Status);
        var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
        Assert.True(chain.Intact, chain.Detail);
    }

    [Fact]
    public async Task Bulk_IsGatedLikeEveryResourceRequest()
    {
        var account = await fixture.NewAccountAsync();
        await using (var db = fixture.Db())
        {
            var entity = await db.Accounts.SingleAsync(a => a.Id == account.Id);
            entity.SsoStatus = ScimServer.Accounts.SsoStatus.Configured;
            await db.SaveChangesAsync();
        }
        var detail = (await account.Scim.PostAsync("/Bulk", Bulk("""{"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"gate@example.com"}}""")))
            .AssertError(HttpStatusCode.Forbidden, null);
        Assert.Contains("active SSO", detail, StringComparison.Ordinal);
    }
}
