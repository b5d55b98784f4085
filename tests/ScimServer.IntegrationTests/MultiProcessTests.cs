using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Three server processes on one database, each with its own pool of connections to PostgreSQL.</summary>
[Collection(RacingProcesses.Name)]
public sealed class MultiProcessTests(ScimFixture fixture, ThreeServers servers)
    : MultiProcessContract(fixture, servers.Processes), IClassFixture<ScimFixture>, IClassFixture<ThreeServers>;

/// <summary>
/// The same three processes' work through PgBouncer in transaction mode, with fewer server connections than the
/// processes' pools hold: nothing the server does may depend on a session (docs/scaling.md).
/// </summary>
[Collection(RacingProcesses.Name)]
public sealed class PgBouncerMultiProcessTests(ScimFixture fixture, ThreeServersBehindPgBouncer servers)
    : MultiProcessContract(fixture, servers.Processes), IClassFixture<ScimFixture>, IClassFixture<ThreeServersBehindPgBouncer>;

/// <summary>Several server processes on one database: seat counts stay exact, and revocation reaches every process.</summary>
public abstract class MultiProcessContract(ScimFixture fixture, IReadOnlyList<ServerProcess> servers)
{
    private readonly IReadOnlyList<ServerProcess> _servers = servers;

    [Fact]
    public async Task ParallelCreatesAcrossProcesses_TakeExactlyTheFreeSeats_EveryRound()
    {
        const int requests = 30;
        foreach (var seats in new[] { 1, 5, 12 })
        {
            var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", seats)] });
            var clients = _servers.Select(s => s.Client(account.Token)).ToList();
            var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(i =>
                clients[i % clients.Count].PostAsync("/Users", $$"""{"userName":"race{{i}}@example.com"}""")));

            Assert.Equal(seats, responses.Count(r => r.Status == HttpStatusCode.Created));
            Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r =>
                Assert.Contains($"{seats} of {seats} seats in use", r.AssertError(HttpStatusCode.Forbidden, null), StringComparison.Ordinal));
            await using var db = fixture.Db();
            Assert.Equal(seats, await db.Users.CountAsync(u => u.AccountId == account.Id && u.Active && u.DeletedAt == null));
            // Every request, granted or refused, is in the audit log once, and three processes writing at once left one unbroken chain.
            var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
            Assert.True(chain.Intact, chain.Detail);
            Assert.Equal(requests, chain.Entries);
            Assert.Equal(requests - seats, await db.Set<ScimServer.Audit.AuditEntry>().CountAsync(e => e.AccountId == account.Id && e.Outcome == "Refused" && e.Status == 403));
        }
    }

    [Fact]
    public async Task ConsoleSession_MadeOnOneProcess_OpensPagesAndPostsFormsOnTheOthers()
    {
        var account = await fixture.NewAccountAsync();
        var ada = (await account.Scim.CreateUserAsync("ada@example.com"))["id"]!.GetValue<string>();
        var name = $"admin-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, account.Id);
        // One browser's cookies (a cookie ignores the port), three replicas behind its balancer.
        var cookies = new CookieContainer();
        HttpClient On(int process) => new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _servers[process].Address };
        using var first = On(0);
        using var second = On(1);
        using var third = On(2);

        var signInPage = await first.GetStringAsync("/console/sign-in");
        using var signIn = await first.PostAsync("/console/sign-in", ConsoleForm.Of(signInPage, "sign-in", ("Form.Username", name), ("Form.Password", ApiClient.Password)));
        Assert.Equal(HttpStatusCode.Found, signIn.StatusCode);
        // The session cookie process 0 made opens the account on process 1 (not a redirect to the sign-in)...
        using var users = await second.GetAsync($"/console/accounts/{account.Id}/users");
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        // ...and the form token process 1 put in that page is good on process 2.
        using var deactivate = await third.PostAsync($"/console/accounts/{account.Id}/users",
            ConsoleForm.Of(await users.Content.ReadAsStringAsync(), "user-action", ("Act.Target", $"deactivate:{ada}")));
        // Done, it answers a redirect to the list (Post/Redirect/Get); the notice it carries opens on process 0.
        Assert.Equal(HttpStatusCode.Found, deactivate.StatusCode);
        Assert.Equal($"/console/accounts/{account.Id}/users", deactivate.Headers.Location!.AbsolutePath);
        var after = await first.GetStringAsync(deactivate.Headers.Location);
        Assert.Contains("Deactivated; the seat is free.", after, StringComparison.Ordinal);

        await using var db = fixture.Db();
        Assert.False((await db.Users.SingleAsync(u => u.Id == Guid.Parse(ada))).Active);
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync()); // the key ring they share is in PostgreSQL
    }

    [Fact]
    public async Task BulksRacingFromTwoProcesses_TakeExactlyTheLastSeats()
    {
        const int seats = 7, perBulk = 10;
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("pro", seats)] });
        string Bulk(int process) => """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[""" +
            string.Join(",", Enumerable.Range(0, perBulk).Select(i => $$$"""{"method":"POST","path":"/Users","bulkId":"b{{{i}}}","data":{"userName":"bulk{{{process}}}-{{{i}}}@example.com"}}""")) + "]}";
        var responses = await Task.WhenAll(_servers.Take(2).Select((s, p) => s.Client(account.Token).PostAsync("/Bulk", Bulk(p))));

        var statuses = responses.SelectMany(r =>
        {
            r.AssertStatus(HttpStatusCode.OK);
            return r.Json!["Operations"]!.AsArray().Select(o => o!["status"]!.GetValue<string>());
        }).ToList();
        Assert.Equal(2 * perBulk, statuses.Count);
        Assert.Equal(seats, statuses.Count(s => s == "201"));
        Assert.Equal(2 * perBulk - seats, statuses.Count(s => s == "403"));
        await using var db = fixture.Db();
        Assert.Equal(seats, await db.Users.CountAsync(u => u.AccountId == account.Id && u.Active && u.DeletedAt == null));
        Assert.Equal(seats, await db.Products.Where(p => p.AccountId == account.Id).Select(p => p.SeatsUsed).SingleAsync());
        var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
        Assert.True(chain.Intact, chain.Detail);
        Assert.Equal(2 * perBulk, chain.Entries);
    }

    [Fact]
    public async Task ParallelConsumptionAcrossProcesses_SpendsExactlyThePool_WithOneJwtForAll()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { CreditPool = 40 });
        var users = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            users.Add((await account.Scim.CreateUserAsync($"spender{i}@example.com"))["id"]!.GetValue<string>());
        }
        var members = string.Join(",", users.Select(u => $$"""{"value":"{{u}}"}"""));
        (await account.Scim.PostAsync("/Groups", $$$"""
            {"displayName":"All","members":[{{{members}}}],"urn:scimserver:schemas:extension:account:1.0:Group":{"creditLimit":1000}}
            """)).AssertStatus(HttpStatusCode.Created);
        // Signed in on the first process; every process accepts the JWT (the signing key lives in the database).
        var name = $"op-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, account.Id);
        var signIn = await _servers[0].Api("none").PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"{{ApiClient.Password}}"}""");
        var jwt = signIn.AssertStatus(HttpStatusCode.OK).Json!["jwt"]!.GetValue<string>();
        var apis = _servers.Select(s => s.Api(jwt)).ToList();
        // Warm each process (first-use query compilation, a few pooled connections) with reads, so the race below
        // measures locking rather than three cold starts competing for two cores.
        foreach (var api in apis)
        {
            await Task.WhenAll(users.Select(u => api.GetAsync($"/api/accounts/{account.Id}/users/{u}/credits")));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 90).Select(i =>
            apis[i % apis.Count].PostAsync($"/api/accounts/{account.Id}/users/{users[i % users.Count]}/credits/consume", """{"amount":1}""")));
        Assert.Equal(40, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertProblem(HttpStatusCode.Conflict, "poolExhausted"));
        await using var db = fixture.Db();
        var pool = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.CreditsUsed).SingleAsync();
        Assert.Equal(40, pool);
        Assert.Equal(40, await db.Users.Where(u => u.AccountId == account.Id).SumAsync(u => u.CreditsUsed));
    }

    [Fact]
    public async Task RevokedToken_IsRefusedByEveryProcessAtOnce()
    {
        var account = await fixture.NewAccountAsync();
        var clients = _servers.Select(s => s.Client(account.Token)).ToList();
        foreach (var client in clients)
        {
            (await client.GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        }
        await using (var db = fixture.Db())
        {
            await db.ScimTokens.Where(t => t.AccountId == account.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow));
        }
        foreach (var client in clients)
        {
            (await client.GetAsync("/Users")).AssertError(HttpStatusCode.Unauthorized, null);
        }
    }

    [Fact]
    public async Task TokenRotationAndRevocationThroughTheApi_HoldOnEveryProcess()
    {
        var account = await fixture.NewAccountAsync();
        var name = $"op-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, account.Id);
        var jwt = (await _servers[0].Api("none").PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"{{ApiClient.Password}}"}"""))
            .AssertStatus(HttpStatusCode.OK).Json!["jwt"]!.GetValue<string>();
        var (api0, api1) = (_servers[0].Api(jwt), _servers[1].Api(jwt));

        var minted = (await api0.PostAsync($"/api/accounts/{account.Id}/tokens", """{"name":"okta-prod"}""")).AssertStatus(HttpStatusCode.Created).Json!;
        var first = minted["secret"]!.GetValue<string>();
        var firstId = minted["id"]!.GetValue<string>();
        // Rotation with an overlap: both secrets work on every process until the IdP has switched.
        var rotated = (await api1.PostAsync($"/api/accounts/{account.Id}/tokens/{firstId}/rotate", """{"overlapMinutes":60}""")).AssertStatus(HttpStatusCode.OK).Json!;
        var second = rotated["secret"]!.GetValue<string>();
        Assert.Equal(firstId, rotated["replaces"]!["id"]!.GetValue<string>());
        foreach (var server in _servers)
        {
            (await server.Client(first).GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
            (await server.Client(second).GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        }
        // Revoked on one process: refused by all at once; the new secret keeps working.
        (await api1.SendAsync(HttpMethod.Delete, $"/api/accounts/{account.Id}/tokens/{firstId}", null)).AssertStatus(HttpStatusCode.OK);
        foreach (var server in _servers)
        {
            (await server.Client(first).GetAsync("/Users")).AssertError(HttpStatusCode.Unauthorized, null);
            (await server.Client(second).GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        }
        // A rotation without overlap ends the old secret immediately, everywhere.
        var third = (await api0.PostAsync($"/api/accounts/{account.Id}/tokens/{rotated["id"]}/rotate", """{"overlapMinutes":0}""")).AssertStatus(HttpStatusCode.OK).Json!;
        foreach (var server in _servers)
        {
            (await server.Client(second).GetAsync("/Users")).AssertError(HttpStatusCode.Unauthorized, null);
            (await server.Client(third["secret"]!.GetValue<string>()).GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        }
        // The list never shows a secret, and the audit log names the revoked token its IdP kept using.
        var list = (await api0.GetAsync($"/api/accounts/{account.Id}/connections")).AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain(first, list.Body);
        Assert.DoesNotContain("secret", list.Body);
        var refusals = (await api0.GetAsync($"/api/accounts/{account.Id}/audit?$filter=code eq 'tokenRevoked'&$count=true")).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.True(refusals["@odata.count"]!.GetValue<long>() >= 3);
        Assert.Contains(refusals["value"]!.AsArray(), e => e!["actorId"]!.GetValue<string>() == firstId && e["status"]!.GetValue<int>() == 401);
    }
}

/// <summary>Three server processes on the shared database, started once for the class and stopped after it.</summary>
public class ThreeServers : IAsyncLifetime
{
    public IReadOnlyList<ServerProcess> Processes { get; private set; } = [];

    public virtual async Task InitializeAsync() => await StartAsync(await ScimFixture.SharedConnectionStringAsync());

    protected async Task StartAsync(string connectionString, params string[] settings) =>
        Processes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServerProcess.StartAsync(connectionString, settings)));

    public virtual async Task DisposeAsync()
    {
        foreach (var server in Processes)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>
/// Three server processes reaching the shared database only through one PgBouncer in transaction mode, configured
/// as docs/scaling.md says: the statement timeout on the role, none as a start-up option (PgBouncer drops those).
/// </summary>
public sealed class ThreeServersBehindPgBouncer : ThreeServers
{
    public TestPgBouncer Bouncer { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        var direct = await ScimFixture.SharedConnectionStringAsync();
        await PgBouncerTests.TimeoutOnTheRoleAsync(direct);
        Bouncer = await TestPgBouncer.StartAsync(direct);
        await StartAsync(Bouncer.ConnectionString, "--Database:StatementTimeoutMilliseconds=0");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Bouncer.DisposeAsync();
    }
}
