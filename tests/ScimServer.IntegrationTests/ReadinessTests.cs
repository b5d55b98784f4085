using System.Diagnostics;
using System.Net;
using Npgsql;
using ScimServer.IntegrationTests.Support;
using ScimServer.Persistence;

namespace ScimServer.IntegrationTests;

/// <summary>
/// /healthz is liveness (no database), /readyz readiness: it turns 503 within seconds of PostgreSQL going away and
/// 200 again when it returns, without restarting the server. Runs against a cluster of its own, so it can stop it.
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

            await cluster.StopAsync(CancellationToken.None);
            var down = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusWithinAsync(client, "/readyz", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10)));
            Assert.True(down.Elapsed < TimeSpan.FromSeconds(10), $"readiness took {down.Elapsed} to notice");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

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
