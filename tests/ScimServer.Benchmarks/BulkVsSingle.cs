using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ScimServer.Benchmarks;

/// <summary>
/// <c>--scenario bulk</c>: N user creates as one POST /Bulk against the same N as single POSTs, one after another
/// (as an IdP's sync sends them), in alternating rounds: total time and SQL statements of each.
/// </summary>
internal static class BulkVsSingle
{
    public static async Task RunAsync(string connection, int operations, int rounds)
    {
        await using var app = new BenchmarkApp(connection);
        var (_, token) = await BenchAccount.CreateAsync(app, "bulk", (operations * 2 * (rounds + 1)) + 100);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var statements = new StatementCounter();
        var round = 0;
        string User(int i) => $$$"""{"userName":"r{{{round}}}-{{{i}}}@example.com","name":{"givenName":"B","familyName":"U{{{i}}}"},"emails":[{"value":"r{{{round}}}-{{{i}}}@example.com","primary":true}]}""";

        async Task SinglesAsync()
        {
            for (var i = 0; i < operations; i++)
            {
                await BenchHttp.Send(client, HttpMethod.Post, "/scim/v2/Users", User(i), HttpStatusCode.Created);
            }
        }

        async Task BulkAsync()
        {
            var body = new StringBuilder("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[""");
            for (var i = 0; i < operations; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"method":"POST","path":"/Users","bulkId":"u{{i}}","data":{{User(i + operations)}}}""");
            }
            body.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/scim/v2/Bulk") { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/scim+json") };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            var created = document.RootElement.GetProperty("Operations").EnumerateArray().Count(o => o.GetProperty("status").GetString() == "201");
            if (response.StatusCode != HttpStatusCode.OK || created != operations)
            {
                throw new InvalidOperationException($"The bulk created {created} of {operations}: {text[..Math.Min(text.Length, 500)]}");
            }
        }

        // Warm-up round (not reported), then measured rounds, alternating which goes first.
        await SinglesAsync();
        await BulkAsync();
        Console.WriteLine($"Bulk benchmark: {operations:N0} user creates, {rounds} rounds, {Environment.ProcessorCount} cores");
        Console.WriteLine("round   singles ms   bulk ms   bulk/singles   singles stmts   bulk stmts");
        var ratios = new List<double>();
        for (round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { false, true } : [true, false];
            double singles = 0, bulk = 0;
            int singleStatements = 0, bulkStatements = 0;
            foreach (var isBulk in order)
            {
                statements.Reset();
                var watch = Stopwatch.StartNew();
                await (isBulk ? BulkAsync() : SinglesAsync());
                if (isBulk)
                {
                    (bulk, bulkStatements) = (watch.Elapsed.TotalMilliseconds, statements.Count);
                }
                else
                {
                    (singles, singleStatements) = (watch.Elapsed.TotalMilliseconds, statements.Count);
                }
            }
            ratios.Add(bulk / singles);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,5} {1,12:F0} {2,9:F0} {3,14:F2} {4,15:N0} {5,12:N0}", round, singles, bulk, bulk / singles, singleStatements, bulkStatements));
        }
        ratios.Sort();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "median bulk/singles: {0:F2}", ratios[ratios.Count / 2]));
    }
}
