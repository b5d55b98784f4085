using Microsoft.AspNetCore.Authentication;
using ScimServer.Discovery;
using ScimServer.Groups;
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
        // No default scheme: each route group names its own (SCIM tokens here, operator JWTs under /api), so a
        // request is authenticated only by the scheme its endpoint accepts.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ScimTokenHandler>(ScimTokenDefaults.Scheme, null);
        services.AddAuthorization(o => o.AddPolicy(ScimTokenDefaults.Scheme, p => p.AddAuthenticationSchemes(ScimTokenDefaults.Scheme).RequireAuthenticatedUser()));
        services.AddExceptionHandler<ScimExceptionHandler>();
    }

    public static void MapScim(this WebApplication app)
    {
        var scim = app.MapGroup(ScimUrls.Prefix).RequireAuthorization(ScimTokenDefaults.Scheme);
        scim.MapDiscovery();
        // Resources are gated by the account model's first rule (Enterprise tier, active SSO); discovery is not.
        scim.MapGroup("/").AddEndpointFilter<ScimAccessFilter>()
            .MapResource<ScimUsers>(CoreSchemas.UserResourceType)
            .MapResource<ScimGroups>(CoreSchemas.GroupResourceType)
            .MapRootSearch();
        // RFC 7644 §3.7 and §3.11: unsupported Bulk and /Me answer 501 (ServiceProviderConfig says bulk is off).
        scim.MapPost("/Bulk", () => ScimResult.Error(new ScimError(501, null, "Bulk operations are not supported; send each operation as its own request.")))
            .WithName("Bulk");
        scim.Map("/Me", () => ScimResult.Error(new ScimError(501, null, "/Me is not supported: SCIM tokens belong to an account, not to a user.")))
            .WithName("Me");
        // Anything else under the SCIM prefix is a SCIM 404, not an empty framework one.
        scim.Map("/{**rest}", (HttpContext context, string rest) =>
                ScimResult.Error(ScimError.NotFound($"There is no SCIM endpoint for {context.Request.Method} '/{rest}'.")))
            .WithName("ScimNotFound").ExcludeFromDescription();
    }
}
