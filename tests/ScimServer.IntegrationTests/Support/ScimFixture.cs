using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimServer.Accounts;
using ScimServer.Persistence;

namespace ScimServer.IntegrationTests.Support;

/// <summary>One database and one server for the whole run; each test isolates itself with a fresh account.</summary>
public sealed class ScimFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public ScimApp App { get; private set; } = null!;
    public string ConnectionString => _database!.ConnectionString;
    public string? DatabaseLogFile => _database!.LogFile;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.StartAsync();
        App = new ScimApp(_database.ConnectionString);
        _ = App.Server; // Starts the host, which applies the migrations.
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>
    /// A contract that allows everything the SCIM core tests do: Enterprise, active SSO, example.com, Viewer access
    /// and one product with more seats than any test uses.
    /// </summary>
    public static AccountSpec OpenContract() => new("test-" + Guid.NewGuid().ToString("N")[..8], AccountTier.Enterprise, ["example.com"],
        [("standard", 1_000_000)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active, CreditPool: 1_000_000);

    /// <summary>A new account with a real minted token, and a client that sends it.</summary>
    public async Task<TestAccount> NewAccountAsync(ScimApp? app = null, AccountSpec? spec = null)
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

[CollectionDefinition(Name)]
public sealed class ScimCollection : ICollectionFixture<ScimFixture>
{
    public const string Name = "scim";
}
