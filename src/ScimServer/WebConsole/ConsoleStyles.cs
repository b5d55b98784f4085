namespace ScimServer.WebConsole;

/// <summary>console.css, embedded in the assembly and served with a content hash as its ETag (no static-file host to configure).</summary>
internal static class ConsoleStyles
{
    private static readonly Lazy<(byte[] Bytes, string ETag)> Css = new(() =>
    {
        using var stream = typeof(ConsoleStyles).Assembly.GetManifestResourceStream("ScimServer.WebConsole.console.css")
            ?? throw new InvalidOperationException("console.css is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16] + "\"");
    });

    public static IResult Serve(HttpContext context)
    {
        var (bytes, etag) = Css.Value;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return context.Request.Headers.IfNoneMatch == etag
            ? Results.StatusCode(304)
            : Results.Bytes(bytes, "text/css; charset=utf-8", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(etag));
    }
}
