using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Rate limits per SCIM token, per address for bad tokens and per address and username on sign-in: 429 with Retry-After, audited in aggregate.</summary>
public sealed class RateLimitTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private WebApplicationFactory<Program> Limited() => fixture.App.WithWebHostBuilder(b => b
        .UseSetting("RateLimits:ScimPerSecond", "1")
        .UseSetting("RateLimits:ScimBurst", "5")
        .UseSetting("RateLimits:AnonymousPerMinute", "5")
        .UseSetting("RateLimits:SignInPerMinute", "3"));

    [Fact]
    public async Task OneTokenPastItsLimit_Gets429WithRetryAfter_WhileAnotherTokenIsServed_AndTheAuditHasOneEntry()
    {
        using var app = Limited();
        var noisy = await fixture.NewAccountAsync(app);
        var quiet = await fixture.NewAccountAsync(app);
        var answers = new List<ScimResponse>();
        for (var i = 0; i < 25; i++)
        {
            answers.Add(await noisy.Scim.GetAsync("/Users?count=1"));
        }
        Assert.InRange(answers.Count(a => a.Status == HttpStatusCode.OK), 5, 7); // the burst, and what refilled meanwhile
        var refused = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(refused.Count >= 18);
        var detail = refused[0].AssertError(HttpStatusCode.TooManyRequests, null);
        Assert.Contains("retry after", detail, StringComparison.Ordinal);
        Assert.All(refused, r => Assert.True(int.Parse(r.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1));

        // Another account's token (another partition) is untouched by the first one's flood.
        for (var i = 0; i < 5; i++)
        {
            (await quiet.Scim.GetAsync("/Users?count=1")).AssertStatus(HttpStatusCode.OK);
        }

        await using var db = fixture.Db();
        var entries = await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.AccountId == noisy.Id && e.Status == 429).ToListAsync();
        var entry = Assert.Single(entries); // one per partition per minute, not one per refused request
        Assert.Equal("rateLimited", entry.Code);
        Assert.Equal("ScimToken", entry.ActorType);
    }

    [Fact]
    public async Task OneOperatorPastItsLimit_Gets429_WhileAnotherOperatorFromTheSameAddressIsServed()
    {
        using var app = fixture.App.WithWebHostBuilder(b => b.UseSetting("RateLimits:OperatorPerSecond", "1"));
        var account = await fixture.NewAccountAsync(app);
        var noisy = await ApiClient.SignInAsync(fixture, account.Id, app);
        var quiet = await ApiClient.SignInAsync(fixture, account.Id, app);
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add(await noisy.GetAsync($"/api/accounts/{account.Id}/credits"));
        }
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.TooManyRequests) >= 15);
        answers.First(a => a.Status == HttpStatusCode.TooManyRequests).AssertProblem(HttpStatusCode.TooManyRequests, "rateLimited");
        // Every request here comes from one address: the second operator is served because the limit is per operator.
        for (var i = 0; i < 5; i++)
        {
            (await quiet.GetAsync($"/api/accounts/{account.Id}/credits")).AssertStatus(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task UnknownTokens_AreLimitedPerAddress_AndAuditedOncePerMinute()
    {
        using var app = Limited();
        using var client = app.CreateClient();
        var prefix = "zz" + Guid.NewGuid().ToString("N")[..9];
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ScimClient.Base + "/Users", UriKind.Relative));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", prefix + Guid.NewGuid().ToString("N"));
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(35, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        await using var db = fixture.Db();
        var entries = await db.Set<ScimServer.Audit.AuditEntry>().Where(e => e.ActorType == "Anonymous" && e.ActorId == prefix + "…").ToListAsync();
        // 40 bad requests, two entries: the first 401 and the first 429 of the minute.
        Assert.Equal([401, 429], entries.Select(e => e.Status).Order());
        Assert.Contains("once a minute", entries.First(e => e.Status == 401).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_IsLimitedPerAddressAndUsername()
    {
        using var app = Limited();
        var api = new ApiClient(app.CreateClient());
        var name = $"rl-{Guid.NewGuid():N}";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await api.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"wrong"}""")).Status);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var refused = await api.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"wrong"}""");
        refused.AssertProblem(HttpStatusCode.TooManyRequests, "rateLimited");
        Assert.NotNull(refused.RetryAfter);
        // Another username from the same address is not held back by that one.
        (await api.PostAsync("/authenticate", $$"""{"username":"other-{{name}}","password":"wrong"}""")).AssertStatus(HttpStatusCode.Unauthorized);
    }
}
