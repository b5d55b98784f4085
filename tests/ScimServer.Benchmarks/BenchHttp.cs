using System.Net;
using System.Text;

namespace ScimServer.Benchmarks;

/// <summary>Requests of the benchmarks that fail loudly on any status but the expected one.</summary>
internal static class BenchHttp
{
    public static async Task Get(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        await Check(response, HttpStatusCode.OK);
    }

    public static async Task Send(HttpClient client, HttpMethod method, string url, string body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") };
        using var response = await client.SendAsync(request);
        await Check(response, expected);
    }

    public static async Task Check(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        }
    }
}
