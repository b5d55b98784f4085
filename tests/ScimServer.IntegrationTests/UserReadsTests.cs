using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;
using ScimServer.Users;

namespace ScimServer.IntegrationTests;

/// <summary>The hand-written column mapping of the hot user reads against EF's mapping of the same row.</summary>
public sealed class UserReadsTests(ScimFixture fixture) : IClassFixture<ScimFixture>
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
        var read = await UserReads.FindAsync(check, account.Id, id.ToString(), CancellationToken.None);

        Assert.NotNull(read);
        // Every column is set (so a property the reader forgot shows as a difference) but deleted_at: reads see live users only.
        PropertyAssert.Same(byEf, read.User, except: nameof(User.DeletedAt));
        var only = Assert.Single(read.Groups);
        Assert.Equal(group.Json!["id"]!.GetValue<string>(), only.GroupId.ToString());
        Assert.Equal("Readers", only.DisplayName);
        Assert.Null((await UserReads.FindAsync(check, Guid.NewGuid(), id.ToString(), CancellationToken.None)));
    }
}
