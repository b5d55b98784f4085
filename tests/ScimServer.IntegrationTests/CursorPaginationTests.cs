using System.Net;
using System.Text.Json.Nodes;
using ScimServer.IntegrationTests.Support;
using ScimServer.Search;

namespace ScimServer.IntegrationTests;

/// <summary>RFC 9865 cursor paging: keyset walks that neither miss nor repeat rows while others change, bound and expiring cursors.</summary>
public sealed class CursorPaginationTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private async Task<(TestAccount Account, List<string> Ids)> WithUsers(int count)
    {
        var account = await fixture.NewAccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            // Every third user has no title: NULL sort keys must be walked too.
            var extra = i % 3 == 0 ? null : $"\"title\":\"{(char)('a' + (i % 4))}\"";
            ids.Add((await account.Scim.CreateUserAsync($"c{i:D2}@example.com", extra))["id"]!.GetValue<string>());
        }
        return (account, ids);
    }

    /// <summary>Walks every page of <paramref name="query"/>, calling <paramref name="between"/> after each one.</summary>
    private static async Task<List<string>> WalkAsync(TestAccount account, string query, int count, Func<int, List<string>, Task>? between = null)
    {
        var seen = new List<string>();
        var cursor = "";
        for (var page = 0; ; page++)
        {
            var response = await account.Scim.GetAsync($"/Users?cursor={cursor}&count={count}{query}");
            response.AssertStatus(HttpStatusCode.OK);
            Assert.Null(response.Json!["startIndex"]);
            Assert.Equal(response.Resources.Count, response.Json["itemsPerPage"]!.GetValue<int>());
            Assert.True(response.Resources.Count <= count);
            seen.AddRange(response.Strings("id"));
            if (response.Json["nextCursor"] is not { } next)
            {
                return seen;
            }
            cursor = next.GetValue<string>();
            Assert.Matches("^[A-Za-z0-9_-]+$", cursor); // URL-unreserved characters only (RFC 9865 §2)
            if (between is not null)
            {
                await between(page, seen);
            }
        }
    }

    [Theory]
    [InlineData("", 4)]
    [InlineData("&sortBy=userName&sortOrder=descending", 5)]
    [InlineData("&sortBy=title", 3)]
    [InlineData("&sortBy=title&sortOrder=descending", 7)]
    [InlineData("&sortBy=meta.created&filter=userName%20sw%20%22c%22", 22)]
    [InlineData("&sortBy=emails.value&sortOrder=descending", 6)]
    [InlineData("&sortBy=meta.lastModified", 8)]
    public async Task Walk_ReturnsEachUserOnce_InTheSameOrderAsIndexPaging(string query, int count)
    {
        var (account, ids) = await WithUsers(22);
        var walked = await WalkAsync(account, query, count);
        var indexed = await account.Scim.GetAsync($"/Users?count=100{query}");
        Assert.Equal(indexed.Strings("id"), walked);
        Assert.Equal(ids.Order(), walked.Order());
    }

    [Fact]
    public async Task FirstPage_HasTheExactTotal_LaterPagesLeaveItOut_LastPageHasNoNextCursor()
    {
        var (account, _) = await WithUsers(5);
        var first = await account.Scim.GetAsync("/Users?cursor&count=2");
        Assert.Equal(5, first.Json!["totalResults"]!.GetValue<int>());
        var second = await account.Scim.GetAsync($"/Users?cursor={first.Json["nextCursor"]}&count=2");
        Assert.Null(second.Json!["totalResults"]);
        var last = await account.Scim.GetAsync($"/Users?cursor={second.Json["nextCursor"]}&count=2");
        Assert.Single(last.Resources);
        Assert.Null(last.Json!["nextCursor"]);
        // A first page that holds everything needs no count to know the total, and has no next page.
        var all = await account.Scim.GetAsync("/Users?cursor=&count=10");
        Assert.Equal(5, all.Json!["totalResults"]!.GetValue<int>());
        Assert.Null(all.Json["nextCursor"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&sortBy=userName")]
    [InlineData("&sortBy=title&sortOrder=descending")]
    public async Task Walk_WithConcurrentInsertsAndDeletes_NeitherMissesNorRepeats(string query)
    {
        var (account, ids) = await WithUsers(20);
        var deleted = new HashSet<string>();
        var inserted = new List<string>();
        var walked = await WalkAsync(account, query, 4, async (page, seenSoFar) =>
        {
            // Delete one user the walk has not reached and one it has, and insert two (one sorts early, one late).
            var pending = (await WalkAsync(account, query, 100)).Except(seenSoFar).ToList();
            var victim = pending[^1];
            (await account.Scim.DeleteAsync($"/Users/{victim}")).AssertStatus(HttpStatusCode.NoContent);
            deleted.Add(victim);
            foreach (var name in new[] { $"a-new{page}@example.com", $"z-new{page}@example.com" })
            {
                inserted.Add((await account.Scim.CreateUserAsync(name, "\"title\":\"m\""))["id"]!.GetValue<string>());
            }
        });
        Assert.Equal(walked.Count, walked.Distinct().Count()); // nothing twice
        var stayed = ids.Except(deleted).ToList();
        Assert.All(stayed, id => Assert.Contains(id, walked)); // everything that existed throughout, once
        Assert.DoesNotContain(walked, deleted.Contains); // each was deleted before the walk reached it
        Assert.All(walked, id => Assert.True(ids.Contains(id) || inserted.Contains(id)));
    }

    [Fact]
    public async Task Cursors_AreBoundToAccountAndQuery_AndExpire()
    {
        var (account, _) = await WithUsers(3);
        var other = await fixture.NewAccountAsync();
        var next = (await account.Scim.GetAsync("/Users?cursor=&count=1&filter=userName%20sw%20%22c%22")).Json!["nextCursor"]!.GetValue<string>();

        Assert.Contains("not one this server gave", (await other.Scim.GetAsync($"/Users?cursor={next}&count=1&filter=userName%20sw%20%22c%22")).AssertError(HttpStatusCode.BadRequest, "invalidCursor"), StringComparison.Ordinal);
        Assert.Contains("another query", (await account.Scim.GetAsync($"/Users?cursor={next}&count=1")).AssertError(HttpStatusCode.BadRequest, "invalidCursor"), StringComparison.Ordinal);
        Assert.Contains("another query", (await account.Scim.GetAsync($"/Groups?cursor={next}&count=1")).AssertError(HttpStatusCode.BadRequest, "invalidCursor"), StringComparison.Ordinal);
        (await account.Scim.GetAsync("/Users?cursor=not-a-cursor&count=1")).AssertError(HttpStatusCode.BadRequest, "invalidCursor");
        (await account.Scim.GetAsync($"/Users?cursor={next[..^2]}xy&count=1&filter=userName%20sw%20%22c%22")).AssertError(HttpStatusCode.BadRequest, "invalidCursor");

        // A cursor issued two hours ago (by a codec with the server's key and a clock set back) has expired.
        var key = ScimServer.Persistence.ServerKeys.GetOrCreate(fixture.ConnectionString, "scim-cursor");
        var past = new CursorCodec(() => key, TimeSpan.FromHours(1), new ShiftedClock(TimeSpan.FromHours(-2)));
        var old = past.Encode(account.Id, CursorCodec.QueryOf("users", null, null, ScimServer.Protocol.Messages.SortOrder.Ascending), null, Guid.Empty);
        Assert.Contains("3600 seconds", (await account.Scim.GetAsync($"/Users?cursor={old}&count=1")).AssertError(HttpStatusCode.BadRequest, "expiredCursor"), StringComparison.Ordinal);
        var fresh = new CursorCodec(() => key, TimeSpan.FromHours(1), TimeProvider.System)
            .Encode(account.Id, CursorCodec.QueryOf("users", null, null, ScimServer.Protocol.Messages.SortOrder.Ascending), null, Guid.Empty);
        Assert.Equal(3, (await account.Scim.GetAsync($"/Users?cursor={fresh}&count=10")).Resources.Count);
    }

    [Fact]
    public async Task Count_StartIndexAndRootSearch_AreCheckedForCursorPaging()
    {
        var (account, _) = await WithUsers(1);
        (await account.Scim.GetAsync("/Users?cursor=&count=0")).AssertError(HttpStatusCode.BadRequest, "invalidCount");
        Assert.Contains($"1 to {ScimApp.MaxPageSize}", (await account.Scim.GetAsync($"/Users?cursor=&count={ScimApp.MaxPageSize + 1}")).AssertError(HttpStatusCode.BadRequest, "invalidCount"), StringComparison.Ordinal);
        (await account.Scim.GetAsync("/Users?cursor=&startIndex=1")).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        (await account.Scim.PostAsync("/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":""}""")).AssertError(HttpStatusCode.BadRequest, "invalidValue");
        // Index paging is unchanged: no cursor, no nextCursor.
        var indexed = await account.Scim.GetAsync("/Users");
        Assert.Null(indexed.Json!["nextCursor"]);
        Assert.Equal(1, indexed.Json["startIndex"]!.GetValue<int>());
    }

    [Fact]
    public async Task SearchAndGroups_WalkByCursorToo()
    {
        var account = await fixture.NewAccountAsync();
        var groups = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            groups.Add((await account.Scim.CreateGroupAsync($"G{i}"))["id"]!.GetValue<string>());
        }
        var seen = new List<string>();
        var cursor = "";
        while (true)
        {
            var page = await account.Scim.PostAsync("/Groups/.search",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"sortBy":"displayName","cursor":"{{cursor}}","count":2}""");
            page.AssertStatus(HttpStatusCode.OK);
            seen.AddRange(page.Strings("id"));
            if (page.Json!["nextCursor"] is not { } next)
            {
                break;
            }
            cursor = next.GetValue<string>();
        }
        Assert.Equal(groups, seen);
    }

    [Fact]
    public async Task ServiceProviderConfig_AdvertisesBothPaginationMethods_WhenConfiguredTo()
    {
        var account = await fixture.NewAccountAsync();
        // Off by default (strict RFC 7643 validators reject the attribute; see ScimOptions.AdvertisePagination).
        Assert.Null((await account.Scim.GetAsync("/ServiceProviderConfig")).Json!["pagination"]);

        using var app = fixture.App.WithWebHostBuilder(b => b.UseSetting("Scim:AdvertisePagination", "true"));
        using var client = app.CreateClient();
        var response = await client.GetAsync(new Uri(ScimClient.Base + "/ServiceProviderConfig", UriKind.Relative));
        var pagination = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["pagination"]!;
        Assert.True(pagination["cursor"]!.GetValue<bool>());
        Assert.True(pagination["index"]!.GetValue<bool>());
        Assert.Equal("index", pagination["defaultPaginationMethod"]!.GetValue<string>());
        Assert.Equal(ScimApp.MaxPageSize, pagination["maxPageSize"]!.GetValue<int>());
        Assert.Equal(3600, pagination["cursorTimeout"]!.GetValue<int>());
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
