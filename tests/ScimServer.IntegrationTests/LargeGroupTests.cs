using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// A member change on a group of 100,000 must touch one membership row, not the list: the membership count moves by
/// one, and every statement the request ran, replayed under EXPLAIN ANALYZE, reads a handful of group_members rows.
/// </summary>
public sealed class LargeGroupTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const int Size = 100_000;

    [Fact]
    public async Task Patch_OneMemberOfAHundredThousand_TouchesOneRowAndReadsNoList()
    {
        var statements = new RequestStatements();
        await using var app = new ScimApp(fixture.ConnectionString);
        using var traced = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(statements)));
        var account = await fixture.NewAccountAsync(traced);
        var group = await account.Scim.CreateGroupAsync("Everyone");
        var groupId = group["id"]!.GetValue<string>();
        await Seed.MembersAsync(fixture, account.Id, Guid.Parse(groupId), Size);
        var newcomer = (await account.Scim.CreateUserAsync("newcomer@example.com"))["id"]!.GetValue<string>();
        statements.Take(); // What set the test up.

        var add = await account.Scim.PatchOpsAsync($"/Groups/{groupId}", $$"""[{"op":"add","path":"members","value":[{"value":"{{newcomer}}"}]}]""");
        add.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal((Size + 1, 1), await MembersAsync(groupId, newcomer));
        var ran = statements.Take();
        Assert.Contains(ran, s => s.Sql.Contains("INSERT INTO group_members", StringComparison.Ordinal));
        var read = await RowsReadAsync(ran);
        Assert.True(read < 100, $"Adding one member read {read} membership rows.");

        var remove = await account.Scim.PatchOpsAsync($"/Groups/{groupId}", $$"""[{"op":"remove","path":"members[value eq \"{{newcomer}}\"]"}]""");
        remove.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal((Size, 0), await MembersAsync(groupId, newcomer));
        ran = statements.Take();
        Assert.Contains(ran, s => s.Sql.Contains("DELETE FROM group_members", StringComparison.Ordinal));
        read = await RowsReadAsync(ran);
        Assert.True(read < 100, $"Removing one member read {read} membership rows.");

        // Entra ID's lookup by displayName with members excluded does not read members at all.
        var lookup = await account.Scim.GetAsync("/Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString("displayName eq \"Everyone\""));
        lookup.AssertStatus(HttpStatusCode.OK);
        read = await RowsReadAsync(statements.Take());
        Assert.True(read < 100, $"The lookup read {read} membership rows.");
    }

    /// <summary>The group's member count, and whether the user is one of them.</summary>
    private async Task<(int Members, int Newcomer)> MembersAsync(string groupId, string userId)
    {
        await using var db = fixture.Db();
        var (group, user) = (Guid.Parse(groupId), Guid.Parse(userId));
        var members = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM group_members WHERE group_id = {group}").SingleAsync();
        var newcomer = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM group_members WHERE group_id = {group} AND member_id = {user}").SingleAsync();
        return (members, newcomer);
    }

    private async Task<long> RowsReadAsync(IReadOnlyList<RequestStatements.Statement> ran)
    {
        Assert.NotEmpty(ran);
        long rows = 0;
        foreach (var statement in ran.Where(s => s.Sql.Contains("group_members", StringComparison.Ordinal)))
        {
            rows += await RequestStatements.RowsReadAsync(fixture.ConnectionString, statement, "group_members");
        }
        return rows;
    }
}
