using System.Security.Cryptography;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;

namespace ScimServer.WebConsole;

/// <summary>
/// Post/Redirect/Get for the console's forms. After an action succeeds, the page answers with a redirect to a page
/// to show (a GET), so a refresh or Back cannot send the action a second time. The notice that page shows travels
/// in a cookie for one minute, protected by the shared key ring (nobody else can write one into the page), and the
/// console's layout shows it once, above whichever page the redirect opens.
/// </summary>
internal static class ConsoleNotice
{
    private const string Cookie = "scim_console_notice";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>Ends this request with a redirect to <paramref name="to"/> (the page itself by default), which shows the notice.</summary>
    public static void Redirect(HttpContext http, NavigationManager navigation, string notice, string? to = null)
    {
        http.Response.Cookies.Append(Cookie, Protector(http).Protect(notice, Lifetime), Options(http));
        navigation.NavigateTo(to ?? navigation.Uri);
    }

    /// <summary>The notice a redirect brought, once: the cookie is removed as it is read.</summary>
    public static string? Take(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Cookie, out var value))
        {
            return null;
        }
        http.Response.Cookies.Delete(Cookie, Options(http));
        try
        {
            return Protector(http).Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null; // expired, or not made by this server
        }
    }

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("ScimServer.Console.Notice").ToTimeLimitedDataProtector();

    private static CookieOptions Options(HttpContext http) => new()
    {
        Path = ConsoleSetup.Prefix, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, MaxAge = Lifetime, IsEssential = true,
    };
}
