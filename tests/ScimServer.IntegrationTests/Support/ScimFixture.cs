using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// One database and one in-memory server for the whole run, shared by every test class (each declares
/// <c>IClassFixture&lt;ScimFixture&gt;</c>); classes run in parallel and each test isolates itself with a fresh
/// account. Started by the first class that needs it, stopped by <see cref="SharedFixtureFramework"/> after the last test.
/// </summary>
public sealed class ScimFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<(TestDatabase Database, ScimApp App)>> Shared = new(StartSharedAsync);
    private TestDatabase _database = null!;

    public ScimApp App { get; private set; } = null!;
    public string ConnectionString => _database.ConnectionString;
    public string? DatabaseLogFile => _database.LogFile;

    public async Task InitializeAsync() => (_database, App) = await Shared.Value;

    /// <summary>Nothing: the shared database outlives each class.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The shared database's connection string, for fixtures of their own (server processes).</summary>
    public static async Task<string> SharedConnectionStringAsync() => (await Shared.Value).Database.ConnectionString;

    internal static async Task StopSharedAsync()
    {
        if (!Shared.IsValueCreated)
        {
            return;
        }
        var (database, app) = await Shared.Value;
        await app.DisposeAsync();
        await database.DisposeAsync();
    }

    private static async Task<(TestDatabase, ScimApp)> StartSharedAsync()
    {
        var database = await TestDatabase.StartAsync();
        var app = new ScimApp(database.ConnectionString);
        _ = app.Server; // Starts the host, which applies the migrations.
        return (database, app);
    }

    /// <summary>
    /// A contract that allows everything the SCIM core tests do: Enterprise, active SSO, example.com, Viewer access
    /// and one product with more seats than any test uses.
    /// </summary>
    public static AccountSpec OpenContract() => new("test-" + Guid.NewGuid().ToString("N")[..8], AccountTier.Enterprise, ["example.com"],
        [("standard", 1_000_000)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active, CreditPool: 1_000_000);

    /// <summary>A new account with a real minted token, and a client that sends it.</summary>
    public async Task<TestAccount> NewAccountAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? app = null, AccountSpec? spec = null)
    {
        app ??= App;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var account = await AccountSetup.CreateAsync(db, spec ?? OpenContract(), CancellationToken.None);
        var token = (await TokenIssuer.MintAsync(db, account.Id, "test", null, CancellationToken.None)).Value!.Secret;
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new TestAccount(account.Id, token, new ScimClient(client));
    }

    /// <summary>A DbContext on the test database, for asserting what was stored.</summary>
    public ScimDbContext Db() =>
        new(new DbContextOptionsBuilder<ScimDbContext>().UseNpgsql(ConnectionString).Options);
}
