using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.Benchmarks;

/// <summary>
/// <c>--scenario startup</c>: the built server (ScimServer.dll, the configuration it ships with) started as its own
/// process against an already migrated database, timed from the process start to its first 200 on a SCIM request,
/// next to a bare process start (<c>dotnet --version</c>) in the same run.
/// </summary>
internal static class Startup
{
    public static async Task RunAsync(string connection, int rounds, string? published)
    {
        string token;
        await using (var app = new BenchmarkApp(connection))
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Migrates the database and makes an account with a token, as a running deployment has.
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            var account = await AccountSetup.CreateAsync(db, new AccountSpec("startup", AccountTier.Enterprise, ["example.com"],
                [("standard", 10)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active), CancellationToken.None);
            token = (await TokenIssuer.MintAsync(db, account.Id, "startup", null, CancellationToken.None)).Value!.Secret;
        }
        // The server's own build output (same configuration as this benchmark), with the appsettings.json it ships with.
        // --server DIR: a published server instead (dotnet publish -p:PublishReadyToRun=true, as the container image is built).
        var bin = published ?? AppContext.BaseDirectory.Replace(Path.Combine("tests", "ScimServer.Benchmarks"), Path.Combine("src", "ScimServer"), StringComparison.Ordinal);
        var server = Path.Combine(bin, "ScimServer.dll");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Console.WriteLine($"Start-up to the first 200 of GET /scim/v2/Users ({Environment.ProcessorCount} cores, migrated database, {rounds} rounds, {server})");
        Console.WriteLine("round   listening (/healthz) ms   first 200 of /Users ms   bare `dotnet --version` ms");
        var figures = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            free.Start();
            var port = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
            free.Stop();
            var start = new ProcessStartInfo("dotnet", [server, "--urls", $"http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = bin,
                Environment = { ["ConnectionStrings__Scim"] = connection, ["Demo__Enabled"] = "false", ["DOTNET_ENVIRONMENT"] = "Production" },
            };
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            using var stop = new Stopper(process);
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var listening = 0.0;
            while (true)
            {
                try
                {
                    if (listening == 0)
                    {
                        using var health = await client.GetAsync($"http://127.0.0.1:{port}/healthz");
                        listening = watch.Elapsed.TotalMilliseconds;
                    }
                    using var response = await client.GetAsync($"http://127.0.0.1:{port}/scim/v2/Users?count=1");
                    if ((int)response.StatusCode == 200)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (watch.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
                {
                    throw new InvalidOperationException("The server did not answer 200 within 60 s:\n" + string.Join('\n', output.TakeLast(30)));
                }
                await Task.Delay(10);
            }
            var ready = watch.Elapsed.TotalMilliseconds;
            stop.Dispose();
            var bare = Stopwatch.StartNew();
            using (var dotnet = Process.Start(new ProcessStartInfo("dotnet", ["--version"]) { RedirectStandardOutput = true })!)
            {
                await dotnet.WaitForExitAsync();
            }
            figures.Add(ready);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,5} {1,25:F0} {2,24:F0} {3,28:F0}", round, listening, ready, bare.Elapsed.TotalMilliseconds));
        }
        figures.Sort();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "median {0:F0} ms", figures[figures.Count / 2]));
    }

    /// <summary>Stops the server process however the round ends, so no round leaves one behind.</summary>
    private sealed class Stopper(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
    }
}
