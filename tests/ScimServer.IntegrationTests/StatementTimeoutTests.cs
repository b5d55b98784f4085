using System.Net;
using Npgsql;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// Every statement runs under PostgreSQL's statement_timeout: a filter no index serves over a large account is
/// cancelled and answered 400 invalidFilter naming the indexed attributes, and the connections go back to the pool.
/// </summary>
public sealed class StatementTimeoutTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task UnindexedFilterOverALargeAccount_IsCancelled_Answered400_AndThePoolStaysUsable()
    {
        using var app = fixture.App.WithWebHostBuilder(b => b.UseSetting("Database:StatementTimeoutMilliseconds", "100"));
        var account = await fixture.NewAccountAsync(app);
        var user = await account.Scim.CreateUserAsync("indexed@example.com");
        await using (var connection = await Seed.OpenAsync(fixture))
        {
            await using var seed = new NpgsqlCommand("""
                INSERT INTO users (id, account_id, user_name, email, email_values, data, created, last_modified)
                SELECT gen_random_uuid(), $1, 'bulk-' || i || '@example.com', 'bulk-' || i || '@example.com', ARRAY['bulk-' || i || '@example.com'],
                       jsonb_build_object('userName', 'bulk-' || i || '@example.com', 'title', 'Title number ' || i, 'active', true), now(), now()
                FROM generate_series(1, 30000) AS i
                """, connection) { Parameters = { new() { Value = account.Id } }, CommandTimeout = 300 };
            await seed.ExecuteNonQueryAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE users", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        // More slow requests at once than a small pool would survive if they held their connections.
        // Sixty substring tests per row, none of them indexed: well past 100 ms over 30,000 users.
        var unindexed = string.Join(" or ", Enumerable.Range(0, 60).Select(i => $"title co \"zz{i}q\""));
        var slow = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString(unindexed))));
        Assert.All(slow, r => Assert.Contains("userName, externalId, emails.value", r.AssertError(HttpStatusCode.BadRequest, "invalidFilter"), StringComparison.Ordinal));

        // Indexed lookups in the same large account answer at once, reads and writes alike.
        var found = await account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"bulk-123@example.com\""));
        found.AssertStatus(HttpStatusCode.OK);
        Assert.Single(found.Resources);
        (await account.Scim.GetAsync($"/Users/{user["id"]}")).AssertStatus(HttpStatusCode.OK);
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"title","value":"Still writable"}]""")).AssertStatus(HttpStatusCode.OK);
    }
}
