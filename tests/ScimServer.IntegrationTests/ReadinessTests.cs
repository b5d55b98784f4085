using System.Diagnostics;
using System.Net;
using Npgsql;
using ScimServer.IntegrationTests.Support;
using ScimServer.Persistence;

namespace ScimServer.IntegrationTests;

/// <summary>
/// /healthz is liveness (no database), /readyz readiness: it turns 503 within seconds of PostgreSQL going away and
/// 200 again when it returns, without restarting the server. Runs against a cluster of its own, so it can stop it.
/// Meanwhile a console form answers an HTML page in the console's style (503, nothing internal), not SCIM JSON.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readiness_FollowsPostgreSql_DownAndBackUp_LivenessStaysUp()
    {
        var directory = Path.Combine(Path.GetTempPath(), "scimready-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new LocalPostgres(directory, TestDatabase.FreePort(), durable: false);
        await cluster.StartAsync("ready", CancellationToken.None);
        try
        {
            await using var app = new ScimApp(cluster.ConnectionString("ready"));
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await StatusWithinAsync(client, "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(10)));
            var signIn = await client.GetStringAsync("/console/sign-in");

            await cluster.StopAsync(CancellationToken.None);
            var down = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusWithinAsync(client, "/readyz", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10)));
            Assert.True(down.Elapsed < TimeSpan.FromSeconds(10), $"readiness took {down.Elapsed} to notice");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
            using var failed = await client.PostAsync("/console/sign-in", ConsoleForm.Of(signIn, "sign-in", ("Form.Username", "someone"), ("Form.Password", "secret")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("text/html", failed.Content.Headers.ContentType?.MediaType);
            Assert.Contains("frame-ancestors 'none'", string.Join(" ", failed.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            var page = await failed.Content.ReadAsStringAsync();
            Assert.Contains("The console is busy", page, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", page, StringComparison.Ordinal);

            await cluster.StartAsync("ready", CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, await StatusWithinAsync(client, "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(15)));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Polls until the endpoint answers <paramref name="wanted"/> or the time is up; returns the last status.</summary>
    private static async Task<HttpStatusCode> StatusWithinAsync(HttpClient client, string path, HttpStatusCode wanted, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync(path)).StatusCode;
            if (status == wanted)
            {
                return status;
            }
            await Task.Delay(200);
        }
        while (watch.Elapsed < within);
        return status;
    }
}
