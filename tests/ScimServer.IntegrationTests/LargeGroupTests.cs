using System.Net;
using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// A member change on a group of 100,000 must touch one membership row, not the list: PostgreSQL's own
/// table statistics show how many group_members rows each request inserted, deleted and read.
/// </summary>
[Collection(ScimCollection.Name)]
public sealed class LargeGroupTests(ScimFixture fixture)
{
    private const int Size = 100_000;

    [Fact]
    public async Task Patch_OneMemberOfAHundredThousand_TouchesOneRowAndReadsNoList()
    {
        var account = await fixture.NewAccountAsync();
        var group = await account.Scim.CreateGroupAsync("Everyone");
        var groupId = group["id"]!.GetValue<string>();
        await Seed.MembersAsync(fixture, account.Id, Guid.Parse(groupId), Size);
        var newcomer = (await account.Scim.CreateUserAsync("newcomer@example.com"))["id"]!.GetValue<string>();

        var before = await StatsAsync();
        var add = await account.Scim.PatchOpsAsync($"/Groups/{groupId}", $$"""[{"op":"add","path":"members","value":[{"value":"{{newcomer}}"}]}]""");
        add.AssertStatus(HttpStatusCode.NoContent);
        var afterAdd = await StatsAsync(before, s => s.Inserted >= before.Inserted + 1);
        Assert.Equal(1, afterAdd.Inserted - before.Inserted);
        Assert.Equal(0, afterAdd.Deleted - before.Deleted);
        Assert.True(afterAdd.Read - before.Read < 100, $"Adding one member read {afterAdd.Read - before.Read} membership rows.");

        var remove = await account.Scim.PatchOpsAsync($"/Groups/{groupId}", $$"""[{"op":"remove","path":"members[value eq \"{{newcomer}}\"]"}]""");
        remove.AssertStatus(HttpStatusCode.NoContent);
        var afterRemove = await StatsAsync(afterAdd, s => s.Deleted >= afterAdd.Deleted + 1);
        Assert.Equal(1, afterRemove.Deleted - afterAdd.Deleted);
        Assert.Equal(0, afterRemove.Inserted - afterAdd.Inserted);
        Assert.True(afterRemove.Read - afterAdd.Read < 100, $"Removing one member read {afterRemove.Read - afterAdd.Read} membership rows.");

        // Entra ID's lookup by displayName with members excluded does not read members at all.
        var lookup = await account.Scim.GetAsync("/Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString("displayName eq \"Everyone\""));
        lookup.AssertStatus(HttpStatusCode.OK);
        var afterLookup = await StatsAsync(afterRemove, _ => true);
        Assert.True(afterLookup.Read - afterRemove.Read < 100, $"The lookup read {afterLookup.Read - afterRemove.Read} membership rows.");
    }

    private sealed record Stats(long Inserted, long Deleted, long Read);

    // A backend publishes its table statistics a second after a transaction at the soonest, and an idle one only
    // after ten: closing the server's idle pooled connections (it runs in this process) makes theirs report on exit.
    private async Task<Stats> StatsAsync(Stats? previous = null, Func<Stats, bool>? ready = null)
    {
        await Task.Delay(1200);
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT n_tup_ins, n_tup_del, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)
                FROM pg_stat_user_tables WHERE relname = 'group_members'
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var stats = new Stats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (ready is null || ready(stats) || attempt == 20)
            {
                return stats;
            }
            await Task.Delay(250);
        }
    }
}
