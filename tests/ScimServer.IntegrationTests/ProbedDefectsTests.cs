using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Defects found by probing the running server from outside; each test failed before its fix.</summary>
public sealed class ProbedDefectsTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private async Task<List<(string Action, int Status, string? TargetType, string? TargetId, string? TargetName, string? Detail)>> AuditAsync(Guid accountId)
    {
        await using var db = fixture.Db();
        var rows = await db.Database.SqlQuery<AuditRow>($"""
            SELECT action AS "Action", status AS "Status", target_type AS "TargetType", target_id AS "TargetId", target_name AS "TargetName", detail AS "Detail"
            FROM audit_log WHERE account_id = {accountId} ORDER BY seq
            """).ToListAsync();
        return rows.Select(r => (r.Action, r.Status, r.TargetType, r.TargetId, r.TargetName, r.Detail)).ToList();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1812", Justification = "Materialized by EF from SqlQuery.")]
    private sealed record AuditRow(string Action, int Status, string? TargetType, string? TargetId, string? TargetName, string? Detail);

    [Theory]
    [InlineData("POST", "/api/accounts", "{\"name\":", "invalidJson", "The body is not valid JSON")]
    [InlineData("POST", "/api/accounts", """{"name":"A","tier":"Business"}""", "invalidValue", "'tier' must be one of Professional, Advanced, Elite, Enterprise.")]
    [InlineData("POST", "/api/accounts", """{"name":"A","creditPool":"lots"}""", "invalidValue", "'creditPool' must be a whole number.")]
    [InlineData("POST", "/api/accounts", """{"name":"A","products":[{"code":"x","seats":"many"}]}""", "invalidValue", "'products[0].seats' must be a whole number.")]
    [InlineData("PUT", "/api/accounts/ACCOUNT/sso", """{"idp":"Google"}""", "invalidValue", "'idp' must be one of Okta, EntraId, OneLogin, Other.")]
    [InlineData("PUT", "/api/accounts/ACCOUNT/sso", """{"requireSso":"yes"}""", "invalidValue", "'requireSso' must be true or false.")]
    [InlineData("POST", "/authenticate", "not json", "invalidJson", "The body is not valid JSON")]
    public async Task OperatorApi_UnreadableBodies_AreProblemDetailsNamingTheField(string method, string path, string body, string code, string detail)
    {
        var account = await fixture.NewAccountAsync();
        var staff = await ApiClient.SignInAsync(fixture);
        var response = await staff.SendAsync(new HttpMethod(method), path.Replace("ACCOUNT", account.Id.ToString(), StringComparison.Ordinal), body);
        Assert.StartsWith(detail, response.AssertProblem(HttpStatusCode.BadRequest, code), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creates_AreAuditedWithStatus201()
    {
        var staff = await ApiClient.SignInAsync(fixture);
        var created = (await staff.PostAsync("/api/accounts", """{"name":"audited-201","tier":"Enterprise","products":[{"code":"pro","seats":5}]}"""))
            .AssertStatus(HttpStatusCode.Created);
        var accountId = Guid.Parse(created.Json!["id"]!.GetValue<string>());
        (await staff.SendAsync(HttpMethod.Put, $"/api/accounts/{accountId}/sso", """{"idp":"Okta","status":"Active"}""")).AssertStatus(HttpStatusCode.OK);
        (await staff.PostAsync($"/api/accounts/{accountId}/tokens", """{"name":"okta"}""")).AssertStatus(HttpStatusCode.Created);
        (await staff.PostAsync($"/api/accounts/{accountId}/teams", """{"name":"Team"}""")).AssertStatus(HttpStatusCode.Created);
        var statuses = (await AuditAsync(accountId)).ToDictionary(e => e.Action, e => e.Status);
        Assert.Equal(201, statuses["CreateAccount"]);
        Assert.Equal(201, statuses["MintToken"]);
        Assert.Equal(201, statuses["CreateTeam"]);
    }

    [Fact]
    public async Task ADuplicateUserNameRefusal_NamesItsTarget_AndErasureReachesIt()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { RequireEmail = true });
        var user = await account.Scim.CreateUserAsync("twice@example.com");
        var id = user["id"]!.GetValue<string>();
        (await account.Scim.PostAsync("/Users", """{"userName":"TWICE@example.com"}""")).AssertError(HttpStatusCode.Conflict, "uniqueness");
        var refusal = (await AuditAsync(account.Id)).Single(e => e.Status == 409);
        Assert.Equal(("User", id, "twice@example.com"), (refusal.TargetType, refusal.TargetId, refusal.TargetName));

        // An entry about someone else that quotes the person (here: the email clash names them) is erased too.
        await account.Scim.SendAsync(HttpMethod.Post, "/Users", """{"userName":"other-uid","emails":[{"value":"twice@example.com"}]}""");
        Assert.Contains((await AuditAsync(account.Id)), e => e.Detail?.Contains("'twice@example.com'", StringComparison.Ordinal) == true && e.TargetId != id);

        var api = await ApiClient.SignInAsync(fixture, account.Id);
        (await account.Scim.DeleteAsync($"/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);
        (await api.PostAsync($"/api/accounts/{account.Id}/users/{id}/erase")).AssertStatus(HttpStatusCode.OK);
        var after = await AuditAsync(account.Id);
        Assert.DoesNotContain(after, e => (e.Detail ?? "").Contains("twice", StringComparison.OrdinalIgnoreCase) || (e.TargetName ?? "").Contains("twice", StringComparison.OrdinalIgnoreCase));
        var verify = (await api.GetAsync($"/api/accounts/{account.Id}/audit/verify")).Json!;
        Assert.True(verify["intact"]!.GetValue<bool>(), verify.ToJsonString());
    }

    [Fact]
    public async Task DefaultProduct_IsTheFirstListed_FromTheApiAsFromTheCli()
    {
        var staff = await ApiClient.SignInAsync(fixture);
        var created = (await staff.PostAsync("/api/accounts", """
            {"name":"default-first","tier":"Enterprise","products":[{"code":"professional","seats":3},{"code":"advanced","seats":2},{"code":"elite","seats":1}]}
            """)).AssertStatus(HttpStatusCode.Created);
        Assert.Equal("professional", created.Json!["defaultProduct"]!.GetValue<string>());

        var cli = await CliRunner.RunAsync(fixture, "account", "create", "default-first-cli", "--tier", "Enterprise", "--products", "professional:3,advanced:2,elite:1");
        Assert.Equal(0, cli.Code);
        await using var db = fixture.Db();
        var account = await db.Accounts.SingleAsync(a => a.Id == Guid.Parse(cli.Out.Trim()));
        Assert.Equal("professional", (await db.Products.SingleAsync(p => p.Id == account.DefaultProductId)).Code);
    }

    [Fact]
    public async Task TheCreditPool_CannotDropBelowWhatIsUsedOrSetAside()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { CreditPool = 1000 });
        await account.Scim.CreateUserAsync("limited@example.com", """ "urn:scimserver:schemas:extension:account:1.0:User":{"creditLimit":600} """);
        var staff = await ApiClient.SignInAsync(fixture);
        Assert.Equal("The credit pool cannot drop to 500: 600 credits are already used (0) or set aside for users with their own limit (600). Lower or clear users' own limits first, or keep the pool at 600 or more.",
            (await staff.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}", """{"creditPool":500}""")).AssertProblem(HttpStatusCode.Conflict, "creditsInUse"));
        (await staff.PostAsync($"/api/accounts/{account.Id}/credits/renew", """{"credits":599}""")).AssertProblem(HttpStatusCode.Conflict, "creditsInUse");
        (await staff.SendAsync(HttpMethod.Patch, $"/api/accounts/{account.Id}", """{"creditPool":600}""")).AssertStatus(HttpStatusCode.OK);
        var renew = await CliRunner.RunAsync(fixture, "account", "renew", account.Id.ToString(), "--credits", "10");
        Assert.Equal(2, renew.Code);
        Assert.Contains("cannot drop to 10", renew.Err);
    }

    [Fact]
    public async Task Healthz_IsLiveness_Readyz_AsksPostgreSql()
    {
        var client = fixture.App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"Healthy\"", await ready.Content.ReadAsStringAsync());

        // A server whose database is gone: alive, not ready.
        await using var orphan = new ScimApp("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2",
            new Dictionary<string, string> { ["Database:MigrateOnStartup"] = "false" });
        var down = orphan.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await down.GetAsync("/healthz")).StatusCode);
        var notReady = await down.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("\"Unhealthy\"", await notReady.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CsvExports_EscapeFormulas()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("=HYPERLINK(1)@example.com", """
            "name":{"givenName":"+cmd|' /C calc'!A0","familyName":"@SUM(1)"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"-2+3"}
            """);
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var users = await api.Http.GetStringAsync($"/api/accounts/{account.Id}/users/export");
        var row = users.Split('\n')[1];
        Assert.Contains("'+cmd", row);
        Assert.Contains("'@SUM(1)", row);
        Assert.Contains("'-2+3", row);
        Assert.DoesNotContain(",=", row);
        Assert.StartsWith("\"'=HYPERLINK(1)@example.com\",", row, StringComparison.Ordinal);
        var audit = await api.Http.GetStringAsync($"/api/accounts/{account.Id}/audit/export?output=csv");
        Assert.Contains(",\"'=HYPERLINK(1)@example.com\",", audit);
        Assert.DoesNotContain(",=HYPERLINK", audit);
    }

    [Fact]
    public async Task ThePostgreSqlLog_HoldsNoEmailFromADuplicateKey()
    {
        if (fixture.DatabaseLogFile is not { } log)
        {
            return; // Another source of database: its logging is its operator's.
        }
        var account = await fixture.NewAccountAsync();
        var marker = $"leak-{Guid.NewGuid():N}@example.com";
        var user = await account.Scim.CreateUserAsync(marker);
        await using (var db = fixture.Db())
        {
            // Straight to the unique index, as a race between two processes would.
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlAsync(
                $"INSERT INTO users (id, account_id, user_name, data, created, last_modified, active) VALUES ({Guid.NewGuid()}, {account.Id}, {marker}, '{{}}', now(), now(), true)"));
        }
        Assert.NotNull(user["id"]);
        var text = await File.ReadAllTextAsync(log);
        Assert.Contains("ux_users_account_user_name", text);
        Assert.DoesNotContain(marker, text);
    }

    [Fact]
    public async Task ARacedDuplicate_IsA409_LoggedAsInformationWithoutAStack()
    {
        var capture = new CapturingLogger();
        await using var app = new ScimApp(fixture.ConnectionString);
        using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(capture).SetMinimumLevel(LogLevel.Information)));
        var account = await fixture.NewAccountAsync(app);
        var client = logged.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.Token);
        var scim = new ScimClient(client);
        // Parallel creates of one userName: all pass the pre-check, one wins, the others meet the unique index.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => scim.PostAsync("/Users", """{"userName":"race.once@example.com"}""")));
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => a.AssertError(HttpStatusCode.Conflict, "uniqueness"));
        Assert.DoesNotContain(capture.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(capture.Entries, e => e.HasException);
        Assert.DoesNotContain(capture.Entries, e => e.Message.Contains("race.once", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class CapturingLogger : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message, bool HasException)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception is not null));

        public void Dispose()
        {
        }
    }
}
