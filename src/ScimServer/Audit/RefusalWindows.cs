using System.Collections.Concurrent;
using ScimServer.Tokens;

namespace ScimServer.Audit;

/// <summary>
/// Keeps rejected credentials and rate-limited callers from growing the audit log without bound: 401s for bearer
/// tokens and JWTs (per token or, for an unknown one, per client address) and 429s (per credential or address) are
/// written once per partition per minute, the first of them; the rest are counted in metrics. Failed sign-ins are
/// each written. Per server process.
/// </summary>
public sealed class RefusalWindows(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> _written = new(StringComparer.Ordinal);

    /// <summary>The partition a 401 or 429 is aggregated in; null for the statuses written one by one.</summary>
    public static string? Partition(HttpContext context, int status, AuditTrail trail) => status switch
    {
        // Each failed sign-in stays on record: they are few (limited per address and username, then locked out).
        401 when context.Request.Path.StartsWithSegments("/authenticate") || context.Request.Path.StartsWithSegments("/console/sign-in") => null,
        // A revoked or expired token is one caller; unknown tokens (anyone can make up more) are one per address.
        401 when trail.Refusal?.Code is "tokenRevoked" or "tokenExpired" => $"401|{trail.Refusal?.Code}|{trail.Actor?.Id}",
        401 => $"401|{trail.Refusal?.Code}|{context.Connection.RemoteIpAddress}",
        429 => $"429|{context.User.FindFirst(ScimTokenDefaults.TokenClaim)?.Value ?? context.User.FindFirst(OperatorApi.OperatorAuth.SubjectClaim)?.Value ?? context.Connection.RemoteIpAddress?.ToString()}",
        _ => null,
    };

    /// <summary>True for the first refusal of <paramref name="partition"/> in the current window: that one is written.</summary>
    public bool First(string partition)
    {
        var window = time.GetUtcNow().Ticks / Window.Ticks;
        if (_written.Count > 100_000)
        {
            foreach (var old in _written.Where(e => e.Value < window).Select(e => e.Key).ToList())
            {
                _written.TryRemove(old, out _);
            }
        }
        var first = false;
        _written.AddOrUpdate(partition, _ => { first = true; return window; }, (_, seen) =>
        {
            first = seen != window;
            return window;
        });
        return first;
    }
}
