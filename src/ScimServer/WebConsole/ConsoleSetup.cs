using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using ScimServer.OperatorApi;
using ScimServer.Operators;

namespace ScimServer.WebConsole;

/// <summary>
/// The web console under <c>/console</c>: Razor components rendered on the server (no client-side framework), a
/// cookie session that carries the same claims as the operator JWT (so the API's scoping, <see
/// cref="OperatorAuth.CanManage"/>, is the console's too), antiforgery on every form, and strict security headers.
/// </summary>
public static class ConsoleSetup
{
    public const string Scheme = "Console";
    public const string Policy = "Console";
    public const string Prefix = "/console";

    public static void AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        // The keys that sign the session cookie and the form tokens live in PostgreSQL, under one application name,
        // so any replica opens what another made, and a restart signs nobody out.
        services.AddDataProtection().SetApplicationName("ScimServer").PersistKeysToDbContext<Persistence.ScimDbContext>();
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "scim_console";
            o.Cookie.Path = Prefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            // The operator JWT's lifetime, and no sliding renewal: the same 60 minutes as the API.
            o.ExpireTimeSpan = OperatorAuth.Lifetime;
            o.SlidingExpiration = false;
            o.LoginPath = Prefix + "/sign-in";
            o.AccessDeniedPath = Prefix + "/sign-in";
        });
        services.AddAuthorization(o => o.AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()));
    }

    public static void MapConsole(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Prefix), console => console.Use(SecurityHeaders));
        app.MapGet(Prefix + "/console.css", ConsoleStyles.Serve).AllowAnonymous().ExcludeFromDescription();
        // Downloads, not pages: the API's own writers, behind the console's sign-in and the API's account filter.
        var account = app.MapGroup(Prefix + "/accounts/{accountId:guid}").AddEndpointFilter<AccountScopeFilter>().RequireAuthorization(Policy).ExcludeFromDescription();
        account.MapGet("/users/export", Users.UserCsvEndpoints.ExportUsers);
        account.MapGet("/audit/export", ConsoleAuditFilter.ExportAsync);
        app.MapPost(Prefix + "/sign-out", SignOutAsync).RequireAuthorization(Policy).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        app.MapRazorComponents<ConsoleApp>();
    }

    /// <summary>Signs the operator in to the console: a cookie with the claims <see cref="OperatorAuth.Issue"/> puts in a JWT.</summary>
    public static Task SignInAsync(HttpContext context, Operator op)
    {
        var claims = new List<Claim>
        {
            new(OperatorAuth.SubjectClaim, op.Id.ToString()),
            new(OperatorAuth.NameClaim, op.UserName),
            new(OperatorAuth.KindClaim, op.Kind.ToString()),
        };
        if (op.AccountId is { } account)
        {
            claims.Add(new Claim(OperatorAuth.AccountClaim, account.ToString()));
        }
        return context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, OperatorAuth.NameClaim, null)),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false });
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(Scheme);
        context.Response.Redirect(Prefix + "/sign-in");
    }

    /// <summary>Nothing from elsewhere, no framing, no referrer: the console has no script and one stylesheet of its own.</summary>
    private static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        SetSecurityHeaders(context.Response.Headers);
        return next(context);
    }

    public static void SetSecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // What antiforgery sets on every page with a form; set here first, it has nothing to override and nothing to log.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }
}
