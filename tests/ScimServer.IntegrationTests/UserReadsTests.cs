using System.Reflection;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;
using ScimServer.Users;

namespace ScimServer.IntegrationTests;

/// <summary>The hand-written column mapping of the hot user reads against EF's mapping of the same row.</summary>
[Collection(ScimCollection.Name)]
public sealed class UserReadsTests(ScimFixture fixture)
{
    [Fact]
    public async Task AUserReadByUserReads_EqualsTheSameUserLoadedByEf_InEveryProperty()
    {
        var account = await fixture.NewAccountAsync();
        var created = await account.Scim.PostAsync("/Users",
            """{"userName":"every.column@example.com","externalId":"ext-1","displayName":"Every Column","password":"Secret-pass-1","name":{"givenName":"Every","familyName":"Column"},"emails":[{"value":"every.column@example.com","type":"work"}]}""");
        var id = Guid.Parse(created.Json!["id"]!.GetValue<string>());
        var group = await account.Scim.PostAsync("/Groups", $$"""{"displayName":"Readers","members":[{"value":"{{id}}"}]}""");
        await using (var db = fixture.Db())
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE users SET role = 'Admin', credit_limit = 7, credits_used = 3, source = 'csv', last_login = now(), invited_at = now(),
                                 sso_sign_in_at = now(), credits_period_start = now(), deleted_at = NULL
                WHERE id = {id}
                """);
        }
        await using var check = fixture.Db();
        var byEf = await check.Users.AsNoTracking().SingleAsync(u => u.Id == id);
        var read = await UserReads.FindAsync(check, account.Id, id.ToString(), withGroups: true, CancellationToken.None);

        Assert.NotNull(read);
        foreach (var property in typeof(User).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var expected = property.GetValue(byEf);
            // Every column is set (so a property the reader forgot shows as a difference) but deleted_at: reads see live users only.
            Assert.False(expected is null && property.Name != nameof(User.DeletedAt), $"set {property.Name} in this test, so its mapping is checked");
            Assert.Equal(expected, property.GetValue(read.User));
        }
        var only = Assert.Single(read.Groups!);
        Assert.Equal(group.Json!["id"]!.GetValue<string>(), only.GroupId.ToString());
        Assert.Equal("Readers", only.DisplayName);
        Assert.Null((await UserReads.FindAsync(check, Guid.NewGuid(), id.ToString(), withGroups: true, CancellationToken.None)));
        Assert.Null((await UserReads.FindAsync(check, account.Id, id.ToString(), withGroups: false, CancellationToken.None))!.Groups);
    }
}

/// <summary>The hand-written mapping of the token lookup against EF's mapping of the token, account, connection and products.</summary>
[Collection(ScimCollection.Name)]
public sealed class TokenReadTests(ScimFixture fixture)
{
    [Fact]
    public async Task TheLiveTokenRead_EqualsWhatEfLoads_InEveryProperty()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("alpha", 5), ("beta", 3)] });
        var hash = TokenIssuer.Hash(account.Token);
        await using (var db = fixture.Db())
        {
            // Every nullable column set, so a property the reader forgot shows as a difference.
            await db.Database.ExecuteSqlAsync($"UPDATE scim_tokens SET expires_at = now() + interval '1 day' WHERE hash = {hash}");
            const string mappings = """[{"idpRole":"x","role":"Admin"}]""";
            await db.Database.ExecuteSqlAsync($"UPDATE accounts SET contract_start = '2026-01-01', contract_end = '2026-12-31', idp_role_mappings = {mappings}::jsonb WHERE id = {account.Id}");
        }
        await using var check = fixture.Db();
        var live = await TokenIssuer.FindAsync(check, account.Token, CancellationToken.None);
        Assert.NotNull(live);
        var token = await check.ScimTokens.AsNoTracking().SingleAsync(t => t.Hash == hash);
        AssertSame(token, live.Token, except: nameof(ScimToken.RevokedAt));
        AssertSame(await check.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id), live.Account);
        AssertSame(await check.ScimConnections.AsNoTracking().SingleAsync(c => c.Id == token.ConnectionId), live.Connection);
        var products = await check.Products.AsNoTracking().Where(p => p.AccountId == account.Id).OrderBy(p => p.Code).ToListAsync();
        Assert.Equal(2, live.Products.Count);
        foreach (var (expected, actual) in products.Zip(live.Products))
        {
            AssertSame(expected, actual);
        }
    }

    private static void AssertSame<T>(T expected, T actual, string? except = null)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(expected);
            Assert.False(value is null && property.Name != except, $"set {typeof(T).Name}.{property.Name} in this test, so its mapping is checked");
            Assert.Equal(value, property.GetValue(actual));
        }
    }
}
