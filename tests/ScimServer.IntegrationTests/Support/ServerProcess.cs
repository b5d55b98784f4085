using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScimServer.IntegrationTests.Support;

/// <summary>The real server as a separate OS process on a loopback port, sharing the test database.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _home;

    private ServerProcess(Process process, Uri address, string home)
    {
        _process = process;
        Address = address;
        _home = home;
    }

    public Uri Address { get; }

    /// <param name="settings">More command-line settings, e.g. <c>--Hosting:ShutdownTimeoutSeconds=20</c>.</param>
    public static async Task<ServerProcess> StartAsync(string connectionString, params string[] settings)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A home of its own, as a replica on another machine has: nothing (data protection keys, above all) can be
        // shared between processes through the test machine's files instead of the database.
        var home = Directory.CreateTempSubdirectory("scimserver-home-").FullName;
        start.Environment["HOME"] = home;
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "ScimServer.dll"), "--urls", address.ToString(),
                     $"--ConnectionStrings:Scim={connectionString}", "--Demo:Enabled=false", $"--Passwords:Iterations={ScimApp.PasswordIterations}", "--Logging:LogLevel:Default=Warning",
                 }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address, home);
        using var probe = new HttpClient { BaseAddress = address };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await probe.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"The server process on {address} did not start.");
            }
            await Task.Delay(200);
        }
    }

    public ScimClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new ScimClient(http);
    }

    /// <summary>An operator API client on this process, sending a JWT that another process may have issued.</summary>
    public ApiClient Api(string jwt)
    {
        var http = new HttpClient { BaseAddress = Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
        return new ApiClient(http);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGTERM, as an orchestrator stopping a replica does, and waits for the process to exit; its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
