using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScimServer.Hosting;

/// <summary>
/// The server's own metrics (meter <c>ScimServer</c>), next to ASP.NET Core's and Npgsql's. Tags are low-cardinality
/// by design: an operation name, an IdP kind, a status, an outcome; never an account id, user id or userName.
/// </summary>
public static class ScimMetrics
{
    public const string MeterName = "ScimServer";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("scim.requests", "{request}", "SCIM requests answered, by operation, IdP kind and status.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("scim.request.duration", "s", "Time to answer a SCIM request, by operation, IdP kind and status.");
    private static readonly Counter<long> SeatsGranted = Meter.CreateCounter<long>("scim.seats.granted", "{seat}", "Seats taken by user writes (a write refused afterwards gives its seat back in the rollback).");
    private static readonly Counter<long> SeatsRefused = Meter.CreateCounter<long>("scim.seats.refused", "{refusal}", "User writes refused because the product had no free seat.");
    private static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>("scim.ratelimit.rejections", "{request}", "Requests answered 429 by the rate limits, by API (scim, operator, signIn).");
    private static readonly Counter<long> AuditEntries = Meter.CreateCounter<long>("scim.audit.entries", "{entry}", "Audit log entries written, by outcome.");

    public static void Request(string operation, string idp, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "scim.operation", operation }, { "scim.idp", idp }, { "http.response.status_code", status } };
        Requests.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }

    public static void RateLimited(string api) => RateLimitRejections.Add(1, new KeyValuePair<string, object?>("scim.api", api));

    public static void SeatGranted() => SeatsGranted.Add(1);

    public static void SeatRefused() => SeatsRefused.Add(1);

    public static void AuditWritten(string outcome, int count) => AuditEntries.Add(count, new KeyValuePair<string, object?>("audit.outcome", outcome));
}
