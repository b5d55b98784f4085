using Microsoft.AspNetCore.Authentication;
using ScimServer.Bulk;
using ScimServer.Discovery;
using Microsoft.Extensions.Options;
using ScimServer.Groups;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;
using ScimServer.Tokens;
using ScimServer.Users;

namespace ScimServer.Scim;

/// <summary>
/// The SCIM edge, registered and mapped in one place: bearer tokens, the caller, the resource types and the
/// answers for what SCIM defines but we do not serve. A request's way through it is drawn in docs/architecture.md.
/// </summary>
public static class ScimEndpoints
{
    public static void AddScim(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ScimOptions>(configuration.GetSection(ScimOptions.Section));
        services.AddScoped<ScimCaller>();
        services.AddScoped<ScimUsers>();
        services.AddScoped<ScimGroups>();
        services.AddScoped<BulkRunner>();
        services.AddSingleton(sp => new CursorCodec(
            () => ServerKeys.GetOrCreate(sp.GetRequiredService<DatabaseConnection>().Value, "scim-cursor"),
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ScimOptions>>().Value.CursorTimeoutSeconds), TimeProvider.System));
        // No default scheme: each route group names its own (SCIM tokens here, operator JWTs under /api), so a
        // request is authenticated only by the scheme its endpoint accepts.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ScimTokenHandler>(ScimTokenDefaults.Scheme, null);
        services.AddAuthorization(o => o.AddPolicy(ScimTokenDefaults.Scheme, p => p.AddAuthenticationSchemes(ScimTokenDefaults.Scheme).RequireAuthenticatedUser()));
        services.AddExceptionHandler<ScimExceptionHandler>();
    }

    public static void MapScim(this WebApplication app)
    {
        var scim = app.MapGroup(ScimUrls.Prefix).RequireAuthorization(ScimTokenDefaults.Scheme).RequireRateLimiting(Hosting.RateLimits.Scim);
        scim.MapDiscovery();
        // Resources are gated by the account model's first rule (Enterprise tier, active SSO); discovery is not.
        scim.MapGroup("/").AddEndpointFilter<ScimAccessFilter>()
            .MapResource<ScimUsers>(CoreSchemas.UserResourceType)
            .MapResource<ScimGroups>(CoreSchemas.GroupResourceType)
            .MapRootSearch()
            .MapBulk();
        // RFC 7644 §3.11: /Me answers 501.
        scim.Map("/Me", () => ScimResult.Error(new ScimError(501, null, "/Me is not supported: SCIM tokens belong to an account, not to a user.")))
            .WithName("Me");
        // Anything else under the SCIM prefix is a SCIM 404, not an empty framework one.
        scim.Map("/{**rest}", (HttpContext context, string rest) =>
                ScimResult.Error(ScimError.NotFound($"There is no SCIM endpoint for {context.Request.Method} '/{rest}'.")))
            .WithName("ScimNotFound").ExcludeFromDescription();
    }
}
