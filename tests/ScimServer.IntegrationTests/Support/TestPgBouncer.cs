using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// A real PgBouncer (Debian's <c>pgbouncer</c>) in transaction mode in front of the test database, as a production
/// deployment of several replicas would run it: each transaction may land on another server connection, start-up
/// options are dropped (<c>ignore_startup_parameters</c>), and there is no reset between clients. Server
/// connections are handed out round robin, as in a busy pool, so a client's next transaction rarely gets the same one. Run as the
/// postgres user when the tests run as root (PgBouncer refuses root), like the local cluster.
/// </summary>
public sealed class TestPgBouncer : IAsyncDisposable
{
    private readonly string _directory;

    private TestPgBouncer(string directory, int port, string database)
    {
        _directory = directory;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=scim;Database={database};Pooling=true;Maximum Pool Size=30";
    }

    public int Port { get; }

    /// <summary>The test database, through the pooler (any user name is accepted: the pooler logs in as the real one).</summary>
    public string ConnectionString { get; }

    /// <summary>Server connections PgBouncer keeps to PostgreSQL per database and user: fewer than the clients use.</summary>
    public const int ServerConnections = 10;

    /// <param name="settings">More <c>[pgbouncer]</c> lines, e.g. <c>query_wait_timeout = 1</c>.</param>
    public static async Task<TestPgBouncer> StartAsync(string databaseConnectionString, int serverConnections = ServerConnections, params string[] settings)
    {
        var target = new NpgsqlConnectionStringBuilder(databaseConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), "scimbouncer-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var port = TestDatabase.FreePort();
        var password = string.IsNullOrEmpty(target.Password) ? "" : $" password={target.Password}";
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), string.Create(CultureInfo.InvariantCulture, $"""
            [databases]
            * = host={target.Host} port={target.Port} user={target.Username}{password}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = any
            pool_mode = transaction
            default_pool_size = {serverConnections}
            max_client_conn = 1000
            server_reset_query =
            server_round_robin = 1
            ignore_startup_parameters = extra_float_digits,options
            logfile = {directory}/pgbouncer.log
            pidfile = {directory}/pgbouncer.pid
            {string.Join('\n', settings)}
            """));
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }
        var binary = Binary();
        await RunAsync(asRoot ? "runuser" : binary, asRoot ? ["-u", "postgres", "--", binary, "-d", $"{directory}/pgbouncer.ini"] : ["-d", $"{directory}/pgbouncer.ini"]);
        var bouncer = new TestPgBouncer(directory, port, target.Database!);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", port);
                return bouncer;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>What PgBouncer logged (errors it met name their cause here).</summary>
    public string Log => File.Exists(Path.Combine(_directory, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(_directory, "pgbouncer.log")) : "";

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(_directory, "pgbouncer.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        Directory.Delete(_directory, recursive: true);
    }

    private static string Binary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "pgbouncer");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("pgbouncer was not found on PATH or in /usr/sbin: install it (apt-get install pgbouncer); .ci/run does.");
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await error}{await output}".Trim());
        }
    }
}
