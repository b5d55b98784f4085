using System.Diagnostics;
using Npgsql;

namespace ScimServer.Persistence;

/// <summary>
/// A PostgreSQL cluster run from the locally installed binaries (initdb, pg_ctl), for development and tests on
/// machines without a server or Docker. PostgreSQL refuses to run as root, so as root it runs as the
/// "postgres" system user through runuser. Only 127.0.0.1 is listened on and no Unix socket is made.
/// </summary>
public sealed class LocalPostgres(string dataDirectory, int port, bool durable = true)
{
    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);
    public int Port { get; } = port;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    /// <summary>Initialises the cluster if needed, starts it if it is not running, and creates the database.</summary>
    public async Task StartAsync(string database, CancellationToken ct)
    {
        var asRoot = Environment.UserName == "root";
        Directory.CreateDirectory(DataDirectory);
        if (asRoot)
        {
            OpenPathFor(DataDirectory);
            await RunAsync("chown", ["-R", "postgres:postgres", DataDirectory], asRoot: false, ct);
        }
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await RunAsync(Binary("initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], asRoot, ct);
        }
        if (!await IsRunningAsync(asRoot, ct))
        {
            if (PortTaken())
            {
                throw new LocalPostgresException(
                    $"Port {Port} on 127.0.0.1 is taken, perhaps by another checkout's project-local PostgreSQL " +
                    $"(stop it there with 'dotnet run --project src/ScimServer -- db stop'), or choose another port with --Database:LocalPort=<port>.");
            }
            // Tests trade durability for speed; the run command's data must survive a crash.
            // The log never holds personal data: a client error (e.g. a duplicate key) is logged without its
            // statement, parameters or DETAIL line (which would quote the email or userName).
            var durability = durable ? "" : " -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
            await RunAsync(Binary("pg_ctl"),
            [
                "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
                "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200{durability}{Quiet}",
                "start",
            ], asRoot, ct);
        }
        // Unpooled: a pooled admin connection would be dead after this cluster was stopped and started again.
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await admin.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "", StringComparison.Ordinal)}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private const string Quiet = " -c log_min_error_statement=panic -c log_error_verbosity=terse -c log_parameter_max_length_on_error=0";

    public async Task StopAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], Environment.UserName == "root", ct);
        }
    }

    private bool PortTaken()
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private async Task<bool> IsRunningAsync(bool asRoot, CancellationToken ct)
    {
        try
        {
            await RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "status"], asRoot, ct);
            return true;
        }
        catch (LocalPostgresException)
        {
            return false;
        }
    }

    // The postgres user must be able to reach its data folder: grant search (x) on ancestors that lack it.
    private static void OpenPathFor(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        for (var dir = new DirectoryInfo(directory).Parent; dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private static string Binary(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(
                     Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new LocalPostgresException($"'{name}' was not found on PATH or under /usr/lib/postgresql: install PostgreSQL (apt-get install postgresql) or configure ConnectionStrings:Scim.");
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asRoot, CancellationToken ct)
    {
        var start = new ProcessStartInfo(asRoot ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server holding inherited pipes; read to end only what returns promptly.
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            var error = await Task.WhenAny(stderr, Task.Delay(1000, ct)) == stderr ? await stderr : "";
            var output = await Task.WhenAny(stdout, Task.Delay(200, ct)) == stdout ? await stdout : "";
            throw new LocalPostgresException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {error}{output}".Trim());
        }
    }
}
