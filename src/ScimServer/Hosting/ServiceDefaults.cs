using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ScimServer.Hosting;

/// <summary>
/// What any HTTP service of ours needs whatever it serves (in the manner of .NET Aspire's service defaults):
/// forwarded headers, JSON and problem-details conventions, telemetry, liveness and readiness.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>How long SIGTERM waits for in-flight requests before the process exits (<c>Hosting:ShutdownTimeoutSeconds</c>).</summary>
    public const int DefaultShutdownTimeoutSeconds = 25;

    public static void AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // SIGTERM: Kestrel stops accepting connections at once, then the requests in flight finish (up to this long).
        var drain = builder.Configuration.GetValue("Hosting:ShutdownTimeoutSeconds", DefaultShutdownTimeoutSeconds);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(drain));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A body that does not bind throws, so the exception handler answers with problem details, not an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.Configure<ForwardedHeadersOptions>(o =>
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        // Structured logs, one line each, with the request's trace and span ids on every line logged inside a request.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o => (o.IncludeScopes, o.SingleLine) = (true, true));
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddNpgsql())
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter("Npgsql").AddMeter(ScimMetrics.MeterName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddOtlpExporter());
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddOtlpExporter());
        }
    }

    public static void MapDefaultEndpoints(this WebApplication app)
    {
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
