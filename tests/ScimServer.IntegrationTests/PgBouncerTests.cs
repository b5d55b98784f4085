using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// The server behind PgBouncer in transaction mode, as N replicas run in production (docs/scaling.md): the SCIM
/// lifecycle across processes, the statement timeout on the role, and migrations that leave no session state behind
/// on the pooled server connections. The seat races through the pooler are in <see cref="PgBouncerMultiProcessTests"/>.
/// </summary>
public sealed class PgBouncerTests(ScimFixture fixture, ThreeServersBehindPgBouncer servers)
    : IClassFixture<ScimFixture>, IClassFixture<ThreeServersBehindPgBouncer>
{
    private const string RoleTimeout = "15s";

    /// <summary>The statement timeout as docs/scaling.md sets it behind PgBouncer: on the role, in this database.</summary>
    internal static async Task TimeoutOnTheRoleAsync(string directConnectionString)
    {
        await using var connection = new NpgsqlConnection(directConnectionString);
        await connection.OpenAsync();
        await using var alter = new NpgsqlCommand(
            $"""ALTER ROLE CURRENT_USER IN DATABASE "{connection.Database}" SET statement_timeout = '{RoleTimeout}'""", connection);
        await alter.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task ScimLifecycle_AcrossThreeProcesses_ThroughThePooler()
    {
        var account = await fixture.NewAccountAsync();
        var (a, b, c) = (servers.Processes[0].Client(account.Token), servers.Processes[1].Client(account.Token), servers.Processes[2].Client(account.Token));

        var created = await a.PostAsync("/Users", """{"userName":"pooled@example.com","name":{"givenName":"Pia","familyName":"Pool"},"title":"Analyst"}""");
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.Json!["id"]!.GetValue<string>();
        var read = await b.GetAsync($"/Users/{id}");
        read.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(created.ETag, read.ETag);
        var found = await c.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"POOLED@example.com\""));
        Assert.Equal(id, Assert.Single(found.AssertOk().Resources)!["id"]!.GetValue<string>());

        // A refused write rolls back on its pooled server connection; the next request there is unaffected.
        (await b.PostAsync("/Users", """{"userName":"pooled@example.com"}""")).AssertError(HttpStatusCode.Conflict, "uniqueness");
        var patched = await b.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"title","value":"Lead"}]""",
            r => r.Headers.TryAddWithoutValidation("If-Match", read.ETag));
        Assert.Equal("Lead", patched.AssertOk().Json!["title"]!.GetValue<string>());
        // The version one process handed out is checked by another.
        (await c.PutAsync($"/Users/{id}", """{"userName":"pooled@example.com"}""", r => r.Headers.TryAddWithoutValidation("If-Match", read.ETag)))
            .AssertError(HttpStatusCode.PreconditionFailed, null);

        var group = await c.PostAsync("/Groups", $$"""{"displayName":"Pooled","members":[{"value":"{{id}}"}]}""");
        group.AssertStatus(HttpStatusCode.Created);
        var member = await a.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{id}\""));
        Assert.Single(member.AssertOk().Resources);
        Assert.Contains("Pooled", (await b.GetAsync($"/Users/{id}")).AssertOk().Body, StringComparison.Ordinal);

        var bulk = await b.PostAsync("/Bulk", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"bulk1@example.com"}},
              {"method":"POST","path":"/Users","bulkId":"u2","data":{"userName":"bulk2@example.com"}},
              {"method":"PATCH","path":"/Groups/GROUP","data":{"Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:u1"},{"value":"bulkId:u2"}]}]}}]}
            """.Replace("GROUP", group.Json!["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(bulk.AssertOk().Json!["Operations"]!.AsArray(), o => Assert.StartsWith("20", o!["status"]!.GetValue<string>(), StringComparison.Ordinal));

        // A cursor minted by one process is read by the others (the key lives in the database).
        var seen = new List<string>();
        var cursor = "";
        foreach (var client in new[] { a, b, c, a })
        {
            var page = (await client.GetAsync($"/Users?cursor={cursor}&count=1")).AssertOk();
            seen.AddRange(page.Resources.Select(r => r!["userName"]!.GetValue<string>()));
            if (page.Json!["nextCursor"] is not { } next)
            {
                break;
            }
            cursor = next.GetValue<string>();
        }
        Assert.Equal(["bulk1@example.com", "bulk2@example.com", "pooled@example.com"], seen.Order(StringComparer.Ordinal));

        (await c.DeleteAsync($"/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);
        (await a.GetAsync($"/Users/{id}")).AssertError(HttpStatusCode.NotFound, null);
        await using var db = fixture.Db();
        var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
        Assert.True(chain.Intact, chain.Detail);
        Assert.DoesNotContain(servers.Processes, p => p.HasExited);
    }

    [Fact]
    public async Task StatementTimeout_ComesFromTheRole_OnEveryPooledConnection()
    {
        // More clients at once than PgBouncer has server connections: each SHOW may run on any of them.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3 * TestPgBouncer.ServerConnections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(servers.Bouncer.ConnectionString);
            await connection.OpenAsync();
            await using var show = new NpgsqlCommand("SELECT current_setting('statement_timeout'), pg_sleep(0.05)", connection);
            return (string)(await show.ExecuteScalarAsync())!;
        }));
        Assert.All(answers, a => Assert.Equal(RoleTimeout, a));
    }

    [Fact]
    public async Task Migrations_FromThreeProcessesAtOnce_ThroughThePooler_ApplyOnce_AndLeaveNoSessionState()
    {
        var name = "scim_pooled_" + Guid.NewGuid().ToString("N")[..8];
        var direct = await ScimFixture.SharedConnectionStringAsync();
        await using (var admin = new NpgsqlConnection(direct))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        await TimeoutOnTheRoleAsync(new NpgsqlConnectionStringBuilder(direct) { Database = name, Pooling = false }.ConnectionString);
        var pooled = new NpgsqlConnectionStringBuilder(servers.Bouncer.ConnectionString) { Database = name }.ConnectionString;
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => MigrateAsync(pooled)));
            Assert.All(runs, r => Assert.True(r.Code == 0, r.Output));

            var options = new DbContextOptionsBuilder<ScimServer.Persistence.ScimDbContext>();
            ScimServer.Persistence.PersistenceServices.Configure(options, new NpgsqlConnectionStringBuilder(direct) { Database = name, Pooling = false }.ConnectionString);
            await using var db = new ScimServer.Persistence.ScimDbContext(options.Options);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations().Count(), (await db.Database.GetAppliedMigrationsAsync()).Count());
            // Every server connection PgBouncer pooled for the migrations: no advisory lock held, no timeout of 0 left set.
            Assert.Equal(0L, await db.Database.SqlQuery<long>(
                $"SELECT count(*) AS \"Value\" FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.datname = {name}").SingleAsync());
            var timeouts = await Task.WhenAll(Enumerable.Range(0, 2 * TestPgBouncer.ServerConnections).Select(async _ =>
            {
                await using var connection = new NpgsqlConnection(pooled);
                await connection.OpenAsync();
                await using var show = new NpgsqlCommand("SELECT current_setting('statement_timeout'), pg_sleep(0.05)", connection);
                return (string)(await show.ExecuteScalarAsync())!;
            }));
            Assert.All(timeouts, t => Assert.Equal(RoleTimeout, t));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(direct);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task PoolerWithNoServerConnectionToLend_Is503WithRetryAfter_AndWritesNothing()
    {
        var direct = await ScimFixture.SharedConnectionStringAsync();
        await using var bouncer = await TestPgBouncer.StartAsync(direct, 1, "query_wait_timeout = 1");
        var account = await fixture.NewAccountAsync();
        await using var app = fixture.App.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Scim", bouncer.ConnectionString).UseSetting("Database:StatementTimeoutMilliseconds", "0"));
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.Token);
        var scim = new ScimClient(http);
        (await scim.GetAsync("/Users")).AssertOk();

        // Another client holds the pooler's only server connection in an open transaction past query_wait_timeout.
        await using (var holder = new NpgsqlConnection(bouncer.ConnectionString))
        {
            await holder.OpenAsync();
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("SELECT 1", holder, transaction))
            {
                await hold.ExecuteScalarAsync();
            }
            var refused = await scim.PostAsync("/Users", """{"userName":"waited@example.com"}""");
            Assert.Contains("retry", refused.AssertError(HttpStatusCode.ServiceUnavailable, null), StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(refused.Headers.RetryAfter);
            await transaction.RollbackAsync();
        }
        await using (var db = fixture.Db())
        {
            Assert.False(await db.Users.AnyAsync(u => u.AccountId == account.Id));
        }
        // Nothing to restart: the next request gets a connection again.
        (await scim.PostAsync("/Users", """{"userName":"waited@example.com"}""")).AssertStatus(HttpStatusCode.Created);
    }

    /// <summary>The CLI's <c>migrate</c> as its own OS process (as a deployment's migration job runs it).</summary>
    private static async Task<(int Code, string Output)> MigrateAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ScimServer.dll"), "migrate", $"--ConnectionStrings:Scim={connectionString}" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
