using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Auth;
using ScimServer.Discovery;
using ScimServer.Groups;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Search;
using ScimServer.Users;

namespace ScimServer.Hosting;

/// <summary>Service registration and the request pipeline, shared by the server and the CLI.</summary>
public static class ScimApplication
{
    public static void AddPersistence(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        services.AddSingleton<DatabaseConnection>();
        services.Configure<Auth.PasswordOptions>(configuration.GetSection(Auth.PasswordOptions.Section));
        services.AddSingleton<Auth.PasswordHasher>();
        // Pooled: a request leases a context instead of building one (options, services) for itself.
        services.AddDbContextPool<ScimDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<DatabaseConnection>().Value)
            // Interceptors registered as services (the tests record statements this way); none in production.
            .AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>())
            // Migrations are hand-written SQL (see Persistence/Migrations), so there is no model snapshot to compare with.
            .ConfigureWarnings(w => w
                .Ignore(RelationalEventId.PendingModelChangesWarning)
                // A failed statement is either a refusal WriteUnit answers (a unique violation: 409, logged there at
                // Information) or an error the exception handler logs once; EF's own error lines would add a stack
                // trace to every refusal.
                .Ignore(CoreEventId.SaveChangesFailed, RelationalEventId.CommandError)));
    }

    public static void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        AddPersistence(services, builder.Configuration);
        services.Configure<ScimOptions>(builder.Configuration.GetSection(ScimOptions.Section));
        services.AddSingleton<DemoBanner>();
        services.AddHostedService<DatabaseInitializer>();
        services.AddScoped<WriteUnit>();
        services.AddScoped<Audit.AuditTrail>();
        // No default scheme: each route group names its own (SCIM tokens here, operator JWTs under /api), so a
        // request is authenticated only by the scheme its endpoint accepts.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ScimTokenHandler>(ScimTokenDefaults.Scheme, null);
        services.AddAuthorization(o => o.AddPolicy(ScimTokenDefaults.Scheme, p => p.AddAuthenticationSchemes(ScimTokenDefaults.Scheme).RequireAuthenticatedUser()));
        OperatorAuth.Add(services);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A body that does not bind throws, so the exception handler answers with problem details, not an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ScimExceptionHandler>();
        // Readiness: PostgreSQL answers and every migration is applied (liveness, /healthz, asks nothing of it).
        services.AddHealthChecks().AddCheck<DatabaseReadiness>("postgresql");
        services.AddProblemDetails();
        services.Configure<ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource("Npgsql"))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter("Npgsql"));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddOtlpExporter());
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddOtlpExporter());
        }
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.UseForwardedHeaders();
        // Outside the exception handler, so a 500 or 503 it writes is recorded too.
        app.UseAuditTrail();
        app.UseExceptionHandler();
        // Inside the exception handler (an unreachable database is a 503), before authentication (the token lookup shares it).
        app.UseRequestConnection();
        app.UseAuthentication();
        app.UseAuthorization();

        var scim = app.MapGroup(ScimUrls.Prefix).RequireAuthorization(ScimTokenDefaults.Scheme);
        scim.MapDiscovery();
        // Resources are gated by the account model's first rule (Enterprise tier, active SSO); discovery is not.
        scim.MapGroup("/").AddEndpointFilter<ScimAccessFilter>().MapUsers().MapGroups().MapRootSearch();
        // RFC 7644 §3.7 and §3.11: unsupported Bulk and /Me answer 501 (ServiceProviderConfig says bulk is off).
        scim.MapPost("/Bulk", () => ScimResult.Error(new ScimError(501, null, "Bulk operations are not supported; send each operation as its own request.")))
            .WithName("Bulk");
        scim.Map("/Me", () => ScimResult.Error(new ScimError(501, null, "/Me is not supported: SCIM tokens belong to an account, not to a user.")))
            .WithName("Me");
        // Anything else under the SCIM prefix is a SCIM 404, not an empty framework one.
        scim.Map("/{**rest}", (HttpContext context, string rest) =>
                ScimResult.Error(ScimError.NotFound($"There is no SCIM endpoint for {context.Request.Method} '/{rest}'.")))
            .WithName("ScimNotFound").ExcludeFromDescription();
        app.MapOperatorApi();
        // The committed documents, served as they are: what the tests check is what clients read.
        app.MapGet("/openapi/{document:regex(^(operator|scim)\\.yaml$)}", (string document) =>
                Results.File(Path.Combine(AppContext.BaseDirectory, "openapi", document), "application/yaml"))
            .WithName("OpenApiDocument").ExcludeFromDescription().AllowAnonymous();
        // Liveness: the process answers; it never asks the database, so a database outage does not restart replicas.
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithName("Health").ExcludeFromDescription();
        // Readiness: 503 while PostgreSQL is unreachable or migrations are pending; 200 again once it is back.
        app.MapHealthChecks("/readyz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), ms = (int)e.Value.Duration.TotalMilliseconds }),
            }),
        }).WithName("Ready").ExcludeFromDescription();
    }
}
