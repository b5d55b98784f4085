using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimServer.Operators;
using ScimServer.Persistence;

namespace ScimServer.OperatorApi;

/// <summary>
/// Operator sign-in: <c>POST /authenticate</c> exchanges a password for a JWT valid 60 minutes, with no refresh
/// token (the product's API contract); every <c>/api</c> endpoint validates it with JwtBearer.
/// </summary>
public static class OperatorAuth
{
    public const string Scheme = "Operator";
    public const string Policy = "Operator";
    public const string KindClaim = "kind";
    /// <summary>The operator's id; claims keep their JWT names (MapInboundClaims is off), in the console's cookie too.</summary>
    public const string SubjectClaim = JwtRegisteredClaimNames.Sub;
    public const string NameClaim = JwtRegisteredClaimNames.Name;
    public const string AccountClaim = "account";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);
    private const string Issuer = "scimserver";
    private const string Audience = "scimserver-operators";

    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<OperatorSigningKey>();
        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<OperatorSigningKey>((options, key) =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKeyResolver = (_, _, _, _) => [key.Key],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = JwtRegisteredClaimNames.Name,
            };
            options.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer realm=\"api\"";
                    await ApiProblem.Write(context.HttpContext, 401, "unauthenticated",
                        "Send an operator JWT from POST /authenticate as 'Authorization: Bearer <jwt>'; it lasts 60 minutes.");
                },
            };
        });
        services.AddAuthorization(o => o.AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()));
    }

    public static (string Jwt, DateTimeOffset ExpiresAt) Issue(Operator op, SecurityKey key)
    {
        var expires = DateTimeOffset.UtcNow + Lifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = op.Id.ToString(),
            [JwtRegisteredClaimNames.Name] = op.UserName,
            [KindClaim] = op.Kind.ToString(),
        };
        if (op.AccountId is { } account)
        {
            claims[AccountClaim] = account.ToString();
        }
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (jwt, expires);
    }

    /// <summary>Staff reach every account; an account Admin only their own (others look like they do not exist).</summary>
    public static bool CanManage(this ClaimsPrincipal principal, Guid accountId) =>
        principal.FindFirstValue(KindClaim) == nameof(OperatorKind.Staff)
        || principal.FindFirstValue(AccountClaim) == accountId.ToString();

    /// <summary>The account of an account Admin (null for staff).</summary>
    public static Guid? OperatorAccount(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AccountClaim), out var account) ? account : null;

    public static bool IsStaff(this ClaimsPrincipal principal) => principal.FindFirstValue(KindClaim) == nameof(OperatorKind.Staff);
}

/// <summary>
/// The JWT signing key: <c>Operators:SigningKey</c> (base64, at least 32 bytes) when configured, else one
/// random key kept in the database, so every server process on it accepts every other's tokens.
/// </summary>
public sealed class OperatorSigningKey(IConfiguration configuration, DatabaseConnection connection)
{
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => Load(configuration, connection));

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey Load(IConfiguration configuration, DatabaseConnection connection)
    {
        if (configuration["Operators:SigningKey"] is { Length: > 0 } configured)
        {
            var bytes = Convert.FromBase64String(configured);
            return bytes.Length >= 32
                ? new SymmetricSecurityKey(bytes)
                : throw new InvalidOperationException("Operators:SigningKey must be base64 of at least 32 bytes.");
        }
        return new SymmetricSecurityKey(ServerKeys.GetOrCreate(connection.Value, "operator-jwt"));
    }
}
