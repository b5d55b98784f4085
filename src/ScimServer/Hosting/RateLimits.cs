using System.Globalization;
using System.Threading.RateLimiting;
using ScimServer.OperatorApi;
using ScimServer.Protocol.Errors;
using ScimServer.Scim;
using ScimServer.Tokens;

namespace ScimServer.Hosting;

/// <summary>
/// Limits for runaways and leaked credentials, never for an IdP's normal work (docs/scaling.md sizes them), with
/// ASP.NET Core's rate limiter: a token bucket per SCIM token (one IdP connection cannot starve another), per
/// operator, and a fixed window per client address for requests without a valid credential (unknown tokens) and
/// per address and username on /authenticate. A refusal is 429 with Retry-After and the API's own error body.
/// The limits are per server process: with N replicas behind a balancer an account sees up to N times them.
/// </summary>
public static class RateLimits
{
    public const string Section = "RateLimits";
    public const string Scim = "scim";
    public const string Operator = "operator";

    public sealed class Options
    {
        public bool Enabled { get; set; } = true;

        /// <summary>Sustained SCIM requests per second per token.</summary>
        public int ScimPerSecond { get; set; } = 200;

        /// <summary>SCIM requests one token may send at once above the sustained rate.</summary>
        public int ScimBurst { get; set; } = 2000;

        /// <summary>Operator API requests per second per operator (sustained; the burst is ten times it).</summary>
        public int OperatorPerSecond { get; set; } = 50;

        /// <summary>Requests per minute per client address without a valid credential (unknown, revoked or no token).</summary>
        public int AnonymousPerMinute { get; set; } = 600;

        /// <summary>Sign-in attempts per minute per client address and username (the lockout after failures comes on top).</summary>
        public int SignInPerMinute { get; set; } = 20;
    }

    public static void AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<Options>() ?? new Options();
        services.AddSingleton(options);
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<BadTokenLimiter>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            o.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease);
            o.AddPolicy(Scim, http => Partition(http, options, ScimTokenDefaults.TokenClaim, options.ScimPerSecond, options.ScimBurst));
            // Operator principals (the JWT's, the console cookie's) keep the JWT's claim names: the operator's id is "sub".
            o.AddPolicy(Operator, http => Partition(http, options, OperatorAuth.SubjectClaim, options.OperatorPerSecond, options.OperatorPerSecond * 10));
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext http, Options options, string claim, int perSecond, int burst)
    {
        if (!options.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("off");
        }
        if (http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(claim)?.Value is { } id)
        {
            return RateLimitPartition.GetTokenBucketLimiter(claim + ":" + id, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            });
        }
        return RateLimitPartition.GetFixedWindowLimiter("address:" + http.Connection.RemoteIpAddress, _ => PerMinute(options.AnonymousPerMinute));
    }

    /// <summary>A fixed window of a minute that refuses at once (no queue) past <paramref name="permits"/>.</summary>
    internal static FixedWindowRateLimiterOptions PerMinute(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    /// <summary>The 429: Retry-After from the limiter, the body in the API's format, and a count in the metrics.</summary>
    internal static ValueTask RejectAsync(HttpContext http, RateLimitLease lease) => RejectAsync(http, RetryAfterSeconds(lease));

    /// <summary>Whole seconds until the limiter has a permit again (at least 1).</summary>
    internal static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;

    internal static async ValueTask RejectAsync(HttpContext http, int retry)
    {
        http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        var path = http.Request.Path;
        var kind = path.StartsWithSegments(ScimUrls.Prefix) ? "scim" : path.StartsWithSegments("/authenticate") ? "signIn" : "operator";
        ScimMetrics.RateLimited(kind);
        var detail = $"Too many requests from this {(http.User.Identity?.IsAuthenticated == true ? "credential" : "address")}; retry after {retry} s. " +
                     "The limits are for runaway clients; if a normal sync meets them, ask the operators to raise RateLimits.";
        if (kind == "scim")
        {
            await ScimResult.Error(new ScimError(429, null, detail)).ExecuteAsync(http);
        }
        else
        {
            await ApiProblem.Write(http, 429, "rateLimited", detail);
        }
    }
}

/// <summary>Sign-in attempts per client address and username, taken in the endpoint once the body names the username.</summary>
public sealed class SignInLimiter(RateLimits.Options options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        options.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => RateLimits.PerMinute(options.SignInPerMinute))
            : RateLimitPartition.GetNoLimiter(key));

    public RateLimitLease Acquire(HttpContext http, string userName) =>
        _limiter.AttemptAcquire(http.Connection.RemoteIpAddress + "|" + userName);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Requests with a bearer token that is unknown, revoked or expired, per client address: checked before the token
/// is looked up (a flood of made-up tokens stops costing queries), counted when the lookup fails.
/// </summary>
public sealed class BadTokenLimiter(RateLimits.Options options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        options.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => RateLimits.PerMinute(options.AnonymousPerMinute))
            : RateLimitPartition.GetNoLimiter(key));

    /// <summary>A lease that is not acquired when the address has used up its bad tokens for now (nothing is taken).</summary>
    public RateLimitLease Check(HttpContext http) => _limiter.AttemptAcquire(Key(http), 0);

    public void Count(HttpContext http) => _limiter.AttemptAcquire(Key(http)).Dispose();

    private static string Key(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "";

    public void Dispose() => _limiter.Dispose();
}
