using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;
using ScimServer.Tokens;

namespace ScimServer.IntegrationTests;

/// <summary>The hand-written mapping of the token lookup against EF's mapping of the token, account, connection and products.</summary>
public sealed class TokenReadTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task TheLiveTokenRead_EqualsWhatEfLoads_InEveryProperty()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("alpha", 5), ("beta", 3)] });
        var hash = TokenIssuer.Hash(account.Token);
        await using (var db = fixture.Db())
        {
            // Every nullable column set, so a property the reader forgot shows as a difference.
            await db.Database.ExecuteSqlAsync($"UPDATE scim_tokens SET expires_at = now() + interval '1 day', last_used_at = now() WHERE hash = {hash}");
            const string mappings = """[{"idpRole":"x","role":"Admin"}]""";
            await db.Database.ExecuteSqlAsync($"UPDATE accounts SET contract_start = '2026-01-01', contract_end = '2026-12-31', idp_role_mappings = {mappings}::jsonb WHERE id = {account.Id}");
        }
        await using var check = fixture.Db();
        var live = await TokenIssuer.FindAsync(check, account.Token, CancellationToken.None);
        Assert.NotNull(live);
        var token = await check.ScimTokens.AsNoTracking().SingleAsync(t => t.Hash == hash);
        PropertyAssert.Same(token, live.Token, except: nameof(ScimToken.RevokedAt));
        PropertyAssert.Same(await check.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id), live.Account);
        PropertyAssert.Same(await check.ScimConnections.AsNoTracking().SingleAsync(c => c.Id == token.ConnectionId), live.Connection);
        var products = await check.Products.AsNoTracking().Where(p => p.AccountId == account.Id).OrderBy(p => p.Code).ToListAsync();
        Assert.Equal(2, live.Products.Count);
        foreach (var (expected, actual) in products.Zip(live.Products))
        {
            PropertyAssert.Same(expected, actual);
        }
    }
}
