using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScimServer.Persistence;

/// <summary>The database and what every process needs of it (the server and the CLI alike).</summary>
public static class PersistenceServices
{
    public static void AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        services.AddSingleton<DatabaseConnection>();
        services.Configure<Operators.PasswordOptions>(configuration.GetSection(Operators.PasswordOptions.Section));
        services.AddSingleton<Operators.PasswordHasher>();
        // Pooled: a request leases a context instead of building one (options, services) for itself.
        services.AddDbContextPool<ScimDbContext>((sp, options) => Configure(options, sp.GetRequiredService<DatabaseConnection>().Value)
            // Interceptors registered as services (the tests record statements this way); none in production.
            .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddScoped<WriteUnit>();
        services.AddScoped<Audit.AuditTrail>();
        services.AddSingleton(sp => new Audit.RefusalWindows(TimeProvider.System));
    }

    /// <summary>What every context of ours is: PostgreSQL on the connection string, EF's warnings set as we need them.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) => options
        .UseNpgsql(connectionString)
        // Migrations are hand-written SQL (see Persistence/Migrations), so there is no model snapshot to compare with.
        .ConfigureWarnings(w => w
            .Ignore(RelationalEventId.PendingModelChangesWarning)
            // A failed statement is either a refusal the unit of work answers (a unique violation: 409, logged
            // there at Information) or an error the exception handler logs once; EF's own error lines would add
            // a stack trace to every refusal.
            .Ignore(CoreEventId.SaveChangesFailed, RelationalEventId.CommandError));

    /// <summary>The server's part: migrations and the demo account at start, readiness.</summary>
    public static void AddDatabaseStartup(this IServiceCollection services)
    {
        services.AddSingleton<DemoBanner>();
        services.AddHostedService<DatabaseInitializer>();
        // Readiness: PostgreSQL answers and every migration is applied (liveness, /healthz, asks nothing of it).
        services.AddHealthChecks().AddCheck<DatabaseReadiness>("postgresql");
    }
}
