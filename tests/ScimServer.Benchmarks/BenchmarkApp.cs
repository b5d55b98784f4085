using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace ScimServer.Benchmarks;

/// <summary>The real server in memory (no socket), so figures are the server's and PostgreSQL's cost.</summary>
internal sealed class BenchmarkApp(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Benchmark");
        builder.UseSolutionRelativeContentRoot("src/ScimServer");
        builder.UseSetting("ConnectionStrings:Scim", connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Demo:Enabled", "false");
        // 16 callers on one token measure the server, not its rate limits.
        builder.UseSetting("RateLimits:Enabled", "false");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
