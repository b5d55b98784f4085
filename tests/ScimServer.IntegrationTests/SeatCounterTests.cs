using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// The per-product seat counters (products.seats_used) against a recount of the users, after every kind of
/// lifecycle change through SCIM, the operator API and CSV import.
/// </summary>
public sealed class SeatCounterTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    private async Task<Dictionary<string, (int Recorded, int Counted)>> SeatsAsync(Guid accountId)
    {
        await using var db = fixture.Db();
        var products = await db.Products.AsNoTracking().Where(p => p.AccountId == accountId).ToListAsync();
        var counted = await db.Users.Where(u => u.AccountId == accountId && u.Active && u.DeletedAt == null && u.Role != UserRole.Viewer && u.ProductId != null)
            .GroupBy(u => u.ProductId!.Value).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N);
        return products.ToDictionary(p => p.Code, p => (p.SeatsUsed, counted.GetValueOrDefault(p.Id)));
    }

    /// <summary>
    /// The SQL form of the seat rule is the predicate of the partial index the recounts use: the same predicate on an
    /// index of a scratch copy of the table reads back, as PostgreSQL normalises it, exactly as the real index's does.
    /// </summary>
    [Fact]
    public async Task TheSeatRulesSql_IsThePredicateOfTheSeatIndex()
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new Npgsql.NpgsqlCommand($"""
            CREATE TEMP TABLE seat_rule (LIKE users) ON COMMIT DROP;
            CREATE INDEX seat_rule_index ON seat_rule (product_id) WHERE {SeatRule.Predicate};
            SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i WHERE i.indexrelid = 'seat_rule_index'::regclass
            UNION ALL
            SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i WHERE i.indexrelid = 'ix_users_seats'::regclass;
            """, connection, transaction);
        var predicates = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                predicates.Add(reader.GetString(0));
            }
        }
        await transaction.RollbackAsync();
        Assert.Equal(2, predicates.Count);
        Assert.Equal(predicates[1], predicates[0]);
    }

    [Fact]
    public async Task AfterAThousandRandomLifecycleOperations_TheCountersEqualARecount()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("alpha", 25), ("beta", 15), ("gamma", 8)] });
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var random = new Random(20261202);
        string[] products = ["alpha", "beta", "gamma"];
        string[] roles = ["User", "User", "User", "Viewer", "Admin"];
        var users = new List<(string Id, string UserName)>();
        var deleted = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 1000; i++)
        {
            var op = users.Count < 10 ? 0 : random.Next(10);
            var pick = users.Count == 0 ? default : users[random.Next(users.Count)];
            var extension = $$""" "{{Ext}}":{"role":"{{roles[random.Next(roles.Length)]}}","product":"{{products[random.Next(products.Length)]}}"} """;
            HttpStatusCode status;
            switch (op)
            {
                case 0 or 1:
                    var userName = $"u{i}@example.com";
                    var created = await account.Scim.PostAsync("/Users", $$"""{"userName":"{{userName}}","active":{{(random.Next(4) > 0 ? "true" : "false")}},{{extension}}}""");
                    status = created.Status;
                    if (status == HttpStatusCode.Created)
                    {
                        users.Add((created.Json!["id"]!.GetValue<string>(), userName));
                    }
                    break;
                case 2:
                    status = (await account.Scim.PatchOpsAsync($"/Users/{pick.Id}", $$"""[{"op":"replace","path":"active","value":{{(random.Next(2) == 0 ? "true" : "false")}}}]""")).Status;
                    break;
                case 3:
                    status = (await account.Scim.PatchOpsAsync($"/Users/{pick.Id}", "[{\"op\":\"replace\",\"value\":{" + extension + "}}]")).Status;
                    break;
                case 4:
                    status = (await account.Scim.PutAsync($"/Users/{pick.Id}", $$"""{"userName":"{{pick.UserName}}","active":{{(random.Next(3) > 0 ? "true" : "false")}},{{extension}}}""")).Status;
                    break;
                case 5:
                    status = (await account.Scim.DeleteAsync($"/Users/{pick.Id}")).Status;
                    if (status == HttpStatusCode.NoContent)
                    {
                        users.Remove(pick);
                        deleted.Add(pick.UserName);
                    }
                    break;
                case 6 when deleted.Count > 0:
                    // The same person coming back restores the deprovisioned record.
                    var back = deleted[random.Next(deleted.Count)];
                    var restored = await account.Scim.PostAsync("/Users", $$"""{"userName":"{{back}}",{{extension}}}""");
                    status = restored.Status;
                    if (status == HttpStatusCode.Created)
                    {
                        deleted.Remove(back);
                        users.Add((restored.Json!["id"]!.GetValue<string>(), back));
                    }
                    break;
                case 7:
                    var path = random.Next(2) == 0 ? "deactivate" : "activate";
                    status = (await api.PostAsync($"/api/accounts/{account.Id}/users/{pick.Id}/{path}")).Status;
                    break;
                case 8:
                    status = (await api.PutAsync($"/api/accounts/{account.Id}/users/{pick.Id}/product", $$"""{"product":"{{products[random.Next(products.Length)]}}"}""")).Status;
                    break;
                default:
                    var csvUser = $"csv{i}@example.com";
                    var csv = $"email,first name,last name,department,team,role,product\n{csvUser},C,Sv,Ops,,User,{products[random.Next(products.Length)]}\n";
                    using (var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"))
                    {
                        status = (await api.Http.PostAsync($"/api/accounts/{account.Id}/users/import", content)).StatusCode;
                    }
                    break;
            }
            statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
        }

        // The mix really exercised grants and refusals.
        Assert.True(statuses.GetValueOrDefault(403) > 20, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(statuses.GetValueOrDefault(201) + statuses.GetValueOrDefault(200) > 400, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        var seats = await SeatsAsync(account.Id);
        Assert.All(seats, s => Assert.Equal(s.Value.Counted, s.Value.Recorded));
        Assert.Contains(seats, s => s.Value.Recorded > 0);
        var verify = (await api.GetAsync($"/api/accounts/{account.Id}/seats/verify")).AssertStatus(HttpStatusCode.OK);
        Assert.True(verify.Json!["intact"]!.GetValue<bool>(), verify.Body);
    }

    [Fact]
    public async Task Verify_ReportsDrift_AndRepairSetsTheCounterToTheRecount()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("solo", 5)] });
        await account.Scim.CreateUserAsync("one@example.com");
        await account.Scim.CreateUserAsync("two@example.com");
        await using (var db = fixture.Db())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE products SET seats_used = 4 WHERE account_id = {account.Id}");
        }
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var verify = (await api.GetAsync($"/api/accounts/{account.Id}/seats/verify")).Json!;
        Assert.False(verify["intact"]!.GetValue<bool>());
        Assert.Equal("""[{"product":"solo","recorded":4,"counted":2}]""", verify["drift"]!.ToJsonString());
        (await api.PostAsync($"/api/accounts/{account.Id}/seats/repair")).AssertProblem(HttpStatusCode.Forbidden, "staffOnly");

        var cli = await CliRunner.RunAsync(fixture, "seats", "verify", "--account", account.Id.ToString());
        Assert.Equal(3, cli.Code);
        Assert.Contains("recorded=4 counted=2", cli.Out);
        var staff = await ApiClient.SignInAsync(fixture);
        var repaired = (await staff.PostAsync($"/api/accounts/{account.Id}/seats/repair")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal("""[{"product":"solo","recorded":4,"counted":2}]""", repaired["repaired"]!.ToJsonString());
        Assert.Equal((2, 2), (await SeatsAsync(account.Id))["solo"]);
        Assert.Equal(0, (await CliRunner.RunAsync(fixture, "seats", "verify", "--account", account.Id.ToString())).Code);

        // Three more seats are free, then none.
        for (var i = 0; i < 3; i++)
        {
            await account.Scim.CreateUserAsync($"more{i}@example.com");
        }
        (await account.Scim.PostAsync("/Users", """{"userName":"full@example.com"}""")).AssertError(HttpStatusCode.Forbidden, null);
    }
}
