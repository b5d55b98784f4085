using Microsoft.Extensions.DependencyInjection;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.Benchmarks;

/// <summary>An Enterprise account with active SSO, one product of enough seats, and a SCIM token for it.</summary>
internal static class BenchAccount
{
    public static async Task<(Guid Id, string Token)> CreateAsync(BenchmarkApp app, string name, int seats)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var account = await AccountSetup.CreateAsync(db, new AccountSpec(name, AccountTier.Enterprise, ["example.com"],
            [("standard", seats)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active), CancellationToken.None);
        return (account.Id, (await TokenIssuer.MintAsync(db, account.Id, name, null, CancellationToken.None)).Value!.Secret);
    }
}
