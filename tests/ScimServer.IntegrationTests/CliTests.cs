using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class CliTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var (code, output, _) = await CliRunner.RunAsync(fixture, args);
        return (code, output);
    }

    [Fact]
    public async Task TokenCreate_PrintsOnlyAWorkingToken()
    {
        var (code, accountId) = await RunAsync("account", "create", "CLI Corp", "--tier", "Enterprise", "--domains", "example.com",
            "--products", "professional:3,elite:1", "--sso", "Okta:Active", "--credits", "5000", "--contract", "2026-01-01:2026-12-31");
        Assert.Equal(0, code);
        Assert.True(Guid.TryParse(accountId.Trim(), out var id), accountId);
        await using (var db = fixture.Db())
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == id);
            Assert.Equal((new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), 5000L), (account.ContractStart!.Value, account.ContractEnd!.Value, account.CreditPool));
        }

        var (tokenCode, stdout) = await RunAsync("token", "create", "CLI Corp", "--name", "okta");
        Assert.Equal(0, tokenCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines).Trim();
        Assert.StartsWith("scim_", token, StringComparison.Ordinal);

        var client = fixture.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await new ScimClient(client).GetAsync("/Users");
        response.AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TokenCreate_AccountWithoutActiveSso_IsRefused()
    {
        Assert.Equal(0, (await RunAsync("account", "create", "No SSO Corp", "--tier", "Enterprise", "--sso", "EntraId:Configured")).Code);
        var (code, stdout) = await RunAsync("token", "create", "No SSO Corp");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task TokenCreate_UnknownAccount_FailsWithoutOutput()
    {
        var (code, stdout) = await RunAsync("token", "create", Guid.NewGuid().ToString());
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task OperatorCreate_PrintsAPasswordThatSignsIn_AndRenewResetsThePool()
    {
        var account = await fixture.NewAccountAsync();
        var name = $"cli-{Guid.NewGuid():N}";
        var (code, password) = await RunAsync("operator", "create", name, "--account", account.Id.ToString());
        Assert.Equal(0, code);
        var signIn = await new ApiClient(fixture.App.CreateClient()).PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"{{password.Trim()}}"}""");
        signIn.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, (await RunAsync("operator", "create", name)).Code); // the name is taken

        var (renewCode, renewed) = await RunAsync("account", "renew", account.Id.ToString(), "--credits", "777");
        Assert.Equal(0, renewCode);
        Assert.Equal("total=777 used=0 reserved=0 available=777", renewed.Trim());
        Assert.Equal(2, (await RunAsync("account", "create", "Bad Dates", "--contract", "2026-12-31:2026-01-01")).Code);
    }

    [Fact]
    public async Task Migrate_OnAnUpToDateDatabase_Succeeds() => Assert.Equal(0, (await RunAsync("migrate")).Code);

    [Fact]
    public async Task DbStop_WithTheSettingsOfAnotherLocalCluster_StopsThatCluster()
    {
        var directory = Path.Combine(Path.GetTempPath(), "scimstop-" + Guid.NewGuid().ToString("N")[..8]);
        var local = new ScimServer.Persistence.LocalPostgres(directory, TestDatabase.FreePort(), durable: false);
        await local.StartAsync("scim", CancellationToken.None);
        try
        {
            // Settings on the command line used to turn "db stop" into an unknown command (exit 2).
            var (code, _, error) = await CliRunner.RunAsync(fixture, "db", "stop", $"--Database:LocalDataDirectory={directory}", $"--Database:LocalPort={local.Port}");
            Assert.True(code == 0, error);
            await using var connection = new Npgsql.NpgsqlConnection(local.ConnectionString("postgres") + ";Timeout=2;Pooling=false");
            await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
        }
        finally
        {
            await local.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }
}
