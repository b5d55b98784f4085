using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ScimServer.Benchmarks;

/// <summary>
/// <c>--scenario paging</c>: an IdP's full read of a large account. The whole walk by cursor (RFC 9865), page by page,
/// with the time per page at its start, middle and end; then index pages (startIndex) at the same three places.
/// Keyset pages should cost the same at the end as at the start; OFFSET pages grow with the offset.
/// </summary>
internal static class Paging
{
    private const int Sample = 20;

    public static async Task RunAsync(string connection, int users, int count)
    {
        await using var app = new BenchmarkApp(connection);
        var (account, token) = await BenchAccount.CreateAsync(app, "paging", users);
        Console.Error.WriteLine($"Seeding {users:N0} users...");
        await Seeding.SeedAsync(connection, account, users, groups: false);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Warm-up: the JIT and PostgreSQL's caches, at both ends of the index range.
        for (var i = 0; i < 30; i++)
        {
            await PageAsync(client, $"/scim/v2/Users?count={count}&startIndex={1 + (i % 2 == 0 ? 0 : users - count)}");
            await PageAsync(client, $"/scim/v2/Users?count={count}&cursor=");
        }

        Console.WriteLine($"Paging benchmark: {users:N0} users in one account, pages of {count}, {Environment.ProcessorCount} cores");
        var times = new List<double>();
        var seen = 0;
        var cursor = "";
        var walk = Stopwatch.StartNew();
        while (true)
        {
            var watch = Stopwatch.StartNew();
            var (items, next) = await PageAsync(client, $"/scim/v2/Users?count={count}&cursor={cursor}");
            times.Add(watch.Elapsed.TotalMilliseconds);
            seen += items;
            if (next is null)
            {
                break;
            }
            cursor = next;
        }
        var total = walk.Elapsed;
        if (seen != users)
        {
            throw new InvalidOperationException($"The cursor walk returned {seen:N0} users of {users:N0}.");
        }
        // The last page may be partial; the samples are full pages.
        var full = times.Count - (users % count == 0 ? 0 : 1);
        double Mean(int from) => times.Skip(from).Take(Sample).Average();
        var (cStart, cMiddle, cEnd) = (Mean(0), Mean((full / 2) - (Sample / 2)), Mean(full - Sample));

        async Task<double> IndexAsync(int startIndex)
        {
            var samples = new List<double>();
            for (var i = 0; i < Sample; i++)
            {
                var watch = Stopwatch.StartNew();
                await PageAsync(client, $"/scim/v2/Users?count={count}&startIndex={startIndex + (i * count)}");
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
            return samples.Average();
        }
        var (iStart, iMiddle, iEnd) = (await IndexAsync(1), await IndexAsync((users / 2) + 1), await IndexAsync(users - (Sample * count) + 1));

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "cursor walk: {0:N0} pages, {1:F1} s in all, every user once", times.Count, total.TotalSeconds));
        Console.WriteLine($"mean ms per page of {count} ({Sample} pages each)   start    middle       end   end/start");
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-42} {1,8:F2} {2,9:F2} {3,9:F2} {4,11:F2}", "cursor (keyset)", cStart, cMiddle, cEnd, cEnd / cStart));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-42} {1,8:F2} {2,9:F2} {3,9:F2} {4,11:F2}", "index (startIndex, OFFSET)", iStart, iMiddle, iEnd, iEnd / iStart));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "index/cursor at the end: {0:F1}x", iEnd / cEnd));
    }

    private static async Task<(int Items, string? Next)> PageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        await using var body = await response.Content.ReadAsStreamAsync();
        using var document = await JsonDocument.ParseAsync(body);
        var root = document.RootElement;
        return (root.GetProperty("Resources").GetArrayLength(), root.TryGetProperty("nextCursor", out var next) ? next.GetString() : null);
    }
}
