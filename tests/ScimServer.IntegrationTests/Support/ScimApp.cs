using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace ScimServer.IntegrationTests.Support;

/// <summary>The real server (Program) in memory, on the test database, with small limits so limits can be tested.</summary>
public sealed class ScimApp(string connectionString, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public const int MaxMembersReturned = 50;
    public const int MaxPageSize = 100;

    /// <summary>The cheapest hash the server accepts: tests sign in and set passwords often, and test the rules, not the cost.</summary>
    public const int PasswordIterations = 1000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Scim", connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Demo:Enabled", "false");
        builder.UseSetting("Scim:MaxMembersReturned", MaxMembersReturned.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Scim:MaxPageSize", MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Scim:MaxPayloadBytes", "65536");
        builder.UseSetting("Passwords:Iterations", PasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Every test's anonymous and bad-token requests come from one (null) address here: RateLimitTests use their own limits.
        builder.UseSetting("RateLimits:AnonymousPerMinute", "1000000");
        builder.UseSetting("RateLimits:SignInPerMinute", "1000000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        // No console logger: CliRunner captures the console while a CLI command runs, and classes run in parallel,
        // so a warning from another test's request would land in that command's output.
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
    }
}
