using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Tokens;

namespace ScimServer.Benchmarks;

/// <summary>
/// <c>--scenario creates</c>: the cost of POST /Users as the account grows, against a bare INSERT of the same row
/// through raw Npgsql in the same run (the ceiling), and the statements each create sends. Every seeded user holds
/// a seat of the product, as in a real tenant (a seat check that counts users would scan them all).
/// </summary>
internal static class CreateScaling
{
    public static async Task RunAsync(string connection, int[] sizes, int iterations)
    {
        await using var app = new BenchmarkApp(connection);
        Guid account, product;
        string token;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            var created = await AccountSetup.CreateAsync(db, new AccountSpec("creates", AccountTier.Enterprise, ["example.com"],
                [("standard", 100_000_000)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active), CancellationToken.None);
            (account, product) = (created.Id, created.DefaultProductId!.Value);
            token = (await TokenIssuer.MintAsync(db, account, "bench", null, CancellationToken.None)).Value!.Secret;
        }
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var statements = new StatementCounter();

        Console.WriteLine($"POST /Users as the account grows ({Environment.ProcessorCount} cores); ceilings through raw Npgsql: one bare INSERT of the row,");
        Console.WriteLine("and the create's own SQL (token lookup, then seat, INSERT and audit entry in one transaction)");
        Console.WriteLine("users in account   create p50 ms  create mean ms  insert mean ms  create/insert  same-SQL mean ms  create/same-SQL  statements/create");
        await using var source = NpgsqlDataSource.Create(connection);
        var ceiling = new Ceiling(source, token);
        var seeded = 0;
        var first = 0.0;
        foreach (var size in sizes)
        {
            await SeedAsync(connection, account, product, seeded, size);
            seeded = size;
            var run = 0;
            string Name() => $"c{size}-{run++}-{Guid.NewGuid():N}@example.com";
            var create = await TimeAsync(iterations, async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/scim/v2/Users")
                {
                    Content = new StringContent("{\"userName\":\"" + Name() + "\",\"name\":{\"givenName\":\"N\",\"familyName\":\"U\"}}", Encoding.UTF8, "application/scim+json"),
                };
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
                }
            });
            statements.Reset();
            await TimeAsync(20, async () =>
            {
                using var response = await client.PostAsync("/scim/v2/Users",
                    new StringContent($$"""{"userName":"{{Name()}}"}""", Encoding.UTF8, "application/scim+json"));
            }, warmUp: false);
            var perCreate = statements.Count / 20.0;
            await using var raw = new NpgsqlConnection(connection);
            await raw.OpenAsync();
            var insert = await TimeAsync(iterations, async () =>
            {
                await using var command = new NpgsqlCommand("""
                    INSERT INTO users (id, account_id, user_name, email, given_name, family_name, active, product_id, data, created, last_modified)
                    VALUES ($1, $2, $3, $3, 'N', 'U', true, $4, jsonb_build_object('userName', $3::text), now(), now())
                    """, raw)
                {
                    Parameters = { new() { Value = Guid.CreateVersion7() }, new() { Value = account }, new() { Value = Name() }, new() { Value = product } },
                };
                await command.ExecuteNonQueryAsync();
            });
            var sameSql = await TimeAsync(iterations, () => ceiling.CreateAsync(Name(), product));
            first = first == 0 ? create.Mean : first;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,16:N0} {1,15:F2} {2,15:F2} {3,15:F2} {4,14:F3} {7,17:F2} {8,16:F3} {5,18:F1}   (create cost vs the first size: {6:F2}x)",
                size, create.P50, create.Mean, insert.Mean, insert.Mean / create.Mean, perCreate, create.Mean / first, sameSql.Mean, sameSql.Mean / create.Mean));
        }
    }

    private static async Task<(double P50, double Mean)> TimeAsync(int iterations, Func<Task> operation, bool warmUp = true)
    {
        if (warmUp)
        {
            await Measurement.WarmUpAsync(1, _ => operation());
        }
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await operation();
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(samples);
        return (samples[iterations / 2], samples.Average());
    }

    /// <summary>Users from <paramref name="from"/> to <paramref name="to"/>, each holding a seat of the product; the counter follows.</summary>
    private static async Task SeedAsync(string connectionString, Guid account, Guid product, int from, int to)
    {
        Console.Error.WriteLine($"Seeding users {from + 1:N0}..{to:N0}...");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            """
            INSERT INTO users (id, account_id, user_name, email, given_name, family_name, active, product_id, email_values, data, created, last_modified)
            SELECT gen_random_uuid(), $1, 'seed-' || i || '@example.com', 'seed-' || i || '@example.com', 'Seed', i::text, true, $2,
                   ARRAY['seed-' || i || '@example.com'],
                   jsonb_build_object('userName', 'seed-' || i || '@example.com', 'active', true, 'name', jsonb_build_object('givenName', 'Seed', 'familyName', i::text)),
                   now(), now()
            FROM generate_series($3 + 1, $4) AS i
            """,
            "UPDATE products SET seats_used = seats_used + ($4 - $3) WHERE id = $2",
            "ANALYZE users",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
            if (sql.Contains("$1", StringComparison.Ordinal) || sql.Contains("$2", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = account });
                command.Parameters.Add(new NpgsqlParameter { Value = product });
                command.Parameters.Add(new NpgsqlParameter { Value = from });
                command.Parameters.Add(new NpgsqlParameter { Value = to });
            }
            await command.ExecuteNonQueryAsync();
        }
    }
}
