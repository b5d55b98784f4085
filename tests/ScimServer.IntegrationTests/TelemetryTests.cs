using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Traces (HTTP and Npgsql, one trace per request) and the server's metrics, caught by OpenTelemetry's in-memory exporters.</summary>
public sealed class TelemetryTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task Requests_EmitSpansAndMetrics_WithLowCardinalityTagsOnly()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var app = fixture.App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddOpenTelemetry()
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics))));
        var account = await fixture.NewAccountAsync(app, ScimFixture.OpenContract() with { Products = [("pro", 1)] });
        var created = await account.Scim.PostAsync("/Users", """{"userName":"telemetry@example.com"}""");
        created.AssertStatus(HttpStatusCode.Created);
        (await account.Scim.PostAsync("/Users", """{"userName":"no-seat@example.com"}""")).AssertError(HttpStatusCode.Forbidden, null);
        (await account.Scim.GetAsync($"/Users/{created.Json!["id"]}")).AssertStatus(HttpStatusCode.OK);

        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // The create is one trace: the HTTP server span and, under it, the SQL it ran.
        var http = spans.Last(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") is "/scim/v2/Users/" or "/scim/v2/Users" && s.GetTagItem("http.request.method") as string == "POST");
        var sql = spans.Where(s => s.TraceId == http.TraceId && s.Source.Name == "Npgsql").ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, s => Assert.Equal(ActivityKind.Client, s.Kind));

        var requests = Points(metrics, "scim.requests");
        Assert.Contains(requests, p => Tag(p, "scim.operation") == "CreateUser" && Tag(p, "scim.idp") == "Okta" && Tag(p, "http.response.status_code") == "201");
        Assert.Contains(requests, p => Tag(p, "scim.operation") == "CreateUser" && Tag(p, "http.response.status_code") == "403");
        Assert.Contains(requests, p => Tag(p, "scim.operation") == "GetUser" && Tag(p, "http.response.status_code") == "200");
        Assert.NotEmpty(Points(metrics, "scim.request.duration"));
        Assert.NotEmpty(Points(metrics, "scim.seats.granted"));
        Assert.NotEmpty(Points(metrics, "scim.seats.refused"));
        Assert.Contains(Points(metrics, "scim.audit.entries"), p => Tag(p, "audit.outcome") == "Refused");
        // No account id, user id or userName in any tag of our metrics.
        var values = metrics.Where(m => m.MeterName == "ScimServer").SelectMany(m => Enumerate(m.GetMetricPoints()))
            .SelectMany(p => Tags(p).Select(t => t.Value)).ToList();
        Assert.DoesNotContain(values, v => v.Contains(account.Id.ToString(), StringComparison.Ordinal) || v.Contains('@', StringComparison.Ordinal)
                                          || v.Contains(created.Json["id"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    private static List<MetricPoint> Points(List<Metric> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(m => Enumerate(m.GetMetricPoints())).ToList();

    private static List<MetricPoint> Enumerate(MetricPointsAccessor points)
    {
        var list = new List<MetricPoint>();
        foreach (ref readonly var point in points)
        {
            list.Add(point);
        }
        return list;
    }

    private static List<(string Key, string Value)> Tags(MetricPoint point)
    {
        var tags = new List<(string, string)>();
        foreach (var tag in point.Tags)
        {
            tags.Add((tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }
        return tags;
    }

    private static string? Tag(MetricPoint point, string key) => Tags(point).Where(t => t.Key == key).Select(t => t.Value).FirstOrDefault();
}
