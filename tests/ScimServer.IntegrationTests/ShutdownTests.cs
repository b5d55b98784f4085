using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>SIGTERM under write load: the server stops taking requests, finishes the ones in flight, then exits.</summary>
public sealed class ShutdownTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task Sigterm_DuringWrites_AnswersEveryRequestItTook_AndWritesNothingHalfWay()
    {
        var account = await fixture.NewAccountAsync();
        var server = await ServerProcess.StartAsync(fixture.ConnectionString, "--Hosting:ShutdownTimeoutSeconds=20");
        await using var _ = server;
        var answered = new ConcurrentBag<(HttpStatusCode Status, string UserName)>();
        var notTaken = 0;
        using var load = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 12).Select(w => Task.Run(async () =>
        {
            var client = server.Client(account.Token);
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                var userName = $"drain-{w}-{i}@example.com";
                try
                {
                    var response = await client.PostAsync("/Users", $$"""{"userName":"{{userName}}"}""");
                    answered.Add((response.Status, userName));
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    // Refused or closed before the server took the request: nothing may have been written for it.
                    Interlocked.Increment(ref notTaken);
                    if (server.HasExited)
                    {
                        return;
                    }
                    await Task.Delay(10);
                }
            }
        })).ToList();

        // SIGTERM once writes are flowing (the first requests of a fresh process are slow: JIT, pools).
        for (var waited = 0; answered.Count < 30 && waited < 600; waited++)
        {
            await Task.Delay(50);
        }
        var atSigterm = answered.Count;
        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(30));
        load.Cancel();
        await Task.WhenAll(workers);

        Assert.Equal(0, exitCode);
        Assert.True(atSigterm > 0, "no request completed before SIGTERM");
        // Twelve callers were mid-request when the signal came: their answers came after it (the drain).
        Assert.True(answered.Count > atSigterm, $"no request in flight at SIGTERM was answered ({atSigterm} before, {notTaken} not taken)");
        Assert.All(answered, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        await using var db = fixture.Db();
        var stored = await db.Users.Where(u => u.AccountId == account.Id).Select(u => u.UserName).ToListAsync();
        // Exactly the requests answered 201 were written: none committed without its answer, none answered and lost.
        Assert.Equal(answered.Select(a => a.UserName).Order(), stored.Order());
        var chain = await ScimServer.Audit.AuditChain.VerifyAsync(db, account.Id, CancellationToken.None);
        Assert.True(chain.Intact, chain.Detail);
        Assert.Equal(answered.Count, chain.Entries);
    }
}
