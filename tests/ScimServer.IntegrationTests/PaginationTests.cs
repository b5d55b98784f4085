using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class PaginationTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private async Task<TestAccount> WithUsers(int count)
    {
        var account = await fixture.NewAccountAsync();
        for (var i = 0; i < count; i++)
        {
            await account.Scim.CreateUserAsync($"p{i:D2}@example.com", $"\"title\":\"{(char)('a' + (i % 3))}\"");
        }
        return account;
    }

    [Theory]
    [InlineData("", 7)]
    [InlineData("&sortBy=userName&sortOrder=descending", 4)]
    [InlineData("&sortBy=title", 5)]
    [InlineData("&sortBy=meta.created&filter=userName%20sw%20%22p%22", 10)]
    public async Task WalkingAllPages_ReturnsEachUserExactlyOnce(string query, int pageSize)
    {
        var account = await WithUsers(23);
        var seen = new List<string>();
        for (var start = 1; ; start += pageSize)
        {
            var page = await account.Scim.GetAsync($"/Users?startIndex={start}&count={pageSize}{query}");
            page.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(23, page.Json!["totalResults"]!.GetValue<int>());
            Assert.Equal(start, page.Json["startIndex"]!.GetValue<int>());
            Assert.Equal(page.Resources.Count, page.Json["itemsPerPage"]!.GetValue<int>());
            if (page.Resources.Count == 0)
            {
                break;
            }
            seen.AddRange(page.Strings("id"));
        }
        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Distinct().Count());
    }

    [Fact]
    public async Task SortBy_UserName_OrdersCaseInsensitively()
    {
        var account = await fixture.NewAccountAsync();
        foreach (var name in new[] { "b@example.com", "A@example.com", "c@example.com" })
        {
            await account.Scim.CreateUserAsync(name);
        }
        Assert.Equal(["A@example.com", "b@example.com", "c@example.com"], (await account.Scim.GetAsync("/Users?sortBy=userName")).Strings("userName"));
        Assert.Equal(["c@example.com", "b@example.com", "A@example.com"], (await account.Scim.GetAsync("/Users?sortBy=USERNAME&sortOrder=DESCENDING")).Strings("userName"));
    }

    [Fact]
    public async Task SortBy_MultiValued_UsesThePrimaryValue()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("x@example.com", """ "emails":[{"value":"a@other.com"},{"value":"z@primary.com","primary":true}] """);
        await account.Scim.CreateUserAsync("y@example.com", """ "emails":[{"value":"m@only.com"}] """);
        Assert.Equal(["y@example.com", "x@example.com"], (await account.Scim.GetAsync("/Users?sortBy=emails")).Strings("userName"));
    }

    [Fact]
    public async Task Count_ZeroAndOverMaximum_AndStartIndexBelowOne()
    {
        var account = await WithUsers(3);
        var zero = await account.Scim.GetAsync("/Users?count=0");
        Assert.Equal(3, zero.Json!["totalResults"]!.GetValue<int>());
        Assert.Empty(zero.Resources);
        var clamped = await account.Scim.GetAsync($"/Users?count={ScimApp.MaxPageSize * 10}");
        Assert.Equal(3, clamped.Resources.Count);
        var negative = await account.Scim.GetAsync("/Users?startIndex=-5&count=-1");
        Assert.Equal(1, negative.Json!["startIndex"]!.GetValue<int>());
        Assert.Empty(negative.Resources);
        var beyond = await account.Scim.GetAsync("/Users?startIndex=100");
        Assert.Equal(3, beyond.Json!["totalResults"]!.GetValue<int>());
        Assert.Empty(beyond.Resources);
    }

    [Theory]
    [InlineData("/Users?count=ten", "count is \"ten\"; it must be a whole number.")]
    [InlineData("/Users?startIndex=1.5", "startIndex is \"1.5\"; it must be a whole number (1 is the first result).")]
    [InlineData("/Users?sortOrder=up", "sortOrder is \"up\"; use \"ascending\" or \"descending\".")]
    [InlineData("/Users?sortBy=name", "sortBy \"name\" is complex; name a sub-attribute, e.g. 'name.formatted'.")]
    [InlineData("/Users?sortBy=groups", "sortBy \"groups\" is not supported; sort by a single-valued attribute.")]
    [InlineData("/Users?sortBy=nope", "Attribute 'nope' is not defined in schema urn:ietf:params:scim:schemas:core:2.0:User.")]
    [InlineData("/Users?attributes=userName&excludedAttributes=title", "Send either attributes or excludedAttributes, not both.")]
    public async Task BadListParameters_Are400InvalidValue(string url, string detail)
    {
        var account = await fixture.NewAccountAsync();
        Assert.Equal(detail, (await account.Scim.GetAsync(url)).AssertError(HttpStatusCode.BadRequest, "invalidValue"));
    }

    [Fact]
    public async Task Attributes_ProjectionHonoursReturnedRules()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("proj@example.com", """ "title":"T","emails":[{"value":"e@example.com","type":"work"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"} """);
        var only = (await account.Scim.GetAsync("/Users?attributes=emails.value,name.givenName")).Resources[0]!.AsObject();
        Assert.Equal(["schemas", "id", "name", "emails"], only.Select(p => p.Key).ToList());
        Assert.Equal(["value"], only["emails"]![0]!.AsObject().Select(p => p.Key).ToList());
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User"], only["schemas"]!.AsArray().Select(s => s!.GetValue<string>()).ToList());

        var excluded = (await account.Scim.GetAsync("/Users?excludedAttributes=title,id,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")).Resources[0]!.AsObject();
        Assert.Null(excluded["title"]);
        Assert.NotNull(excluded["id"]); // "always" cannot be excluded
        Assert.Null(excluded["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]);
        Assert.NotNull(excluded["meta"]);

        var ext = (await account.Scim.GetAsync("/Users?attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")).Resources[0]!.AsObject();
        Assert.Equal("D", ext["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]!.GetValue<string>());
        Assert.Null(ext["userName"]);
    }
}
