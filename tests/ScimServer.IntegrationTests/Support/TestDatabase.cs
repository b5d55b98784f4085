using System.Net;
using System.Net.Sockets;
using Npgsql;
using ScimServer.Persistence;
using Testcontainers.PostgreSql;

namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// A real PostgreSQL for the test run, from the first source that works: the server named by
/// SCIM_TEST_CONNECTION (a fresh database is created on it), a Testcontainers container when a Docker engine
/// answers, else a throwaway cluster from the locally installed binaries.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private TestDatabase(string connectionString, string source, Func<ValueTask> dispose, string? logFile = null)
    {
        ConnectionString = connectionString;
        Source = source;
        _dispose = dispose;
        LogFile = logFile;
    }

    public string ConnectionString { get; }
    public string Source { get; }

    /// <summary>The server log of the throwaway local cluster (null for other sources), configured like the run command's.</summary>
    public string? LogFile { get; }

    public static async Task<TestDatabase> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("SCIM_TEST_CONNECTION");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var name = "scim_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(configured))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            var connection = new NpgsqlConnectionStringBuilder(configured) { Database = name }.ConnectionString;
            return new TestDatabase(connection, "SCIM_TEST_CONNECTION", async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(configured);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            });
        }
        if (await DockerAnswersAsync())
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            return new TestDatabase(container.GetConnectionString(), "Testcontainers", container.DisposeAsync);
        }
        var directory = Path.Combine(Path.GetTempPath(), "scimtest-" + Guid.NewGuid().ToString("N")[..12]);
        var local = new LocalPostgres(directory, FreePort(), durable: false);
        await local.StartAsync("scim_test", CancellationToken.None);
        return new TestDatabase(local.ConnectionString("scim_test"), "local cluster", async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await local.StopAsync(CancellationToken.None);
            Directory.Delete(directory, recursive: true);
        }, Path.Combine(local.DataDirectory, "server.log"));
    }

    public ValueTask DisposeAsync() => _dispose();

    private static async Task<bool> DockerAnswersAsync()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            return true;
        }
        const string socket = "/var/run/docker.sock";
        if (!File.Exists(socket))
        {
            return false;
        }
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(socket)).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
