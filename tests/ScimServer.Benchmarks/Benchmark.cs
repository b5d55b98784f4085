using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimServer.Accounts;
using ScimServer.Tokens;

using ScimServer.Persistence;

namespace ScimServer.Benchmarks;

internal static class BenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        // Usage: dotnet run -c Release --project tests/ScimServer.Benchmarks -- [--users 100000] [--iterations 300]
        // Seeds one account with N users and groups of 10 and N members straight into PostgreSQL, then times the requests
        // IdPs make most, through the real HTTP pipeline. Database: SCIM_BENCH_CONNECTION, else a throwaway local cluster.
        var users = Option("--users", 100_000);
        var iterations = Option("--iterations", 300);

        var connection = Environment.GetEnvironmentVariable("SCIM_BENCH_CONNECTION");
        LocalPostgres? local = null;
        var directory = Path.Combine(Path.GetTempPath(), "scimbench-" + Guid.NewGuid().ToString("N")[..8]);
        if (string.IsNullOrEmpty(connection))
        {
            local = new LocalPostgres(directory, 55499, durable: false);
            await local.StartAsync("scim_bench", CancellationToken.None);
            connection = local.ConnectionString("scim_bench");
        }
        try
        {
            if (args.Contains("creates"))
            {
                // --scenario creates [--sizes 10000,1000000]: create cost as the account grows, against a raw INSERT.
                var index = Array.IndexOf(args, "--sizes");
                var sizes = (index >= 0 ? args[index + 1] : "10000,1000000").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                await CreateScaling.RunAsync(connection, sizes, iterations);
                return;
            }
            if (args.Contains("startup"))
            {
                // --scenario startup: the built server as its own process, to its first 200.
                var server = Array.IndexOf(args, "--server");
                await Startup.RunAsync(connection, Option("--rounds", 5), server >= 0 ? Path.GetFullPath(args[server + 1]) : null);
                return;
            }
            await using var app = new BenchmarkApp(connection);
            var account = Guid.CreateVersion7();
            string token;
            var others = new List<Guid>();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
                foreach (var name in new[] { "bench", "other-1", "other-2" })
                {
                    others.Add((await AccountSetup.CreateAsync(db, new AccountSpec(name, AccountTier.Enterprise, ["example.com"],
                        [("standard", 10_000_000)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active), CancellationToken.None)).Id);
                }
                account = others[0];
                token = (await TokenIssuer.MintAsync(db, account, "bench", null, CancellationToken.None)).Value!.Secret;
            }
            // Realistic: every user holds a seat, and other tenants share the tables (and their indexes) with the measured one.
            Console.Error.WriteLine($"Seeding {users:N0} users, groups of 10 and {users:N0} members, and two other accounts of {users / 4:N0}...");
            foreach (var other in others.Skip(1))
            {
                await SeedAsync(connection, other, users / 4);
            }
            var (small, large) = await SeedAsync(connection, account, users);

            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            string User() => (Random.Shared.Next(users) + 1).ToString(CultureInfo.InvariantCulture);
            var newcomers = await NewcomersAsync(connection, account, Math.Max(5_000, iterations + 20));

            Console.WriteLine($"ScimServer benchmark: {users:N0} users (+{users / 2:N0} in two other accounts), {Environment.ProcessorCount} cores, PostgreSQL {(local is null ? "from SCIM_BENCH_CONNECTION" : "local cluster")}");
            Console.WriteLine();
            // --only NAME: just the 16-caller rows whose name contains NAME (for profiling one operation).
            var onlyAt = Array.IndexOf(args, "--only");
            var only = onlyAt >= 0 ? args[onlyAt + 1] : null;
            if (only is null)
            {
                Console.WriteLine("One caller at a time (latency):");
                Console.WriteLine(Measurement.Header);
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=userName eq (Okta/Entra match)", iterations,
                    _ => Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"userName eq \"USER-{User()}@example.com\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=externalId eq", iterations,
                    _ => Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"externalId eq \"ext-{User()}\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=emails.value eq", iterations,
                    _ => Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"emails.value eq \"user-{User()}@example.com\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=userName sw (trigram index)", iterations,
                    _ => Get(client, $"/scim/v2/Users?count=10&filter={Uri.EscapeDataString($"userName sw \"user-{User()}@\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users/{id}", iterations,
                    i => Get(client, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?startIndex=..&count=100 (one page)", Math.Max(20, iterations / 10),
                    i => Get(client, $"/scim/v2/Users?count=100&startIndex={1 + (i * 100 % 10_000)}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Groups?filter=displayName eq&excludedAttributes=members", iterations,
                    _ => Get(client, $"/scim/v2/Groups?excludedAttributes=members&filter={Uri.EscapeDataString("displayName eq \"large\"")}")));
                foreach (var (name, group) in new[] { ("10 members", small), ($"{users:N0} members", large) })
                {
                    Console.WriteLine(await Measurement.RunAsync($"PATCH add one member, group of {name}", iterations,
                        i => Patch(client, group, $$"""[{"op":"add","path":"members","value":[{"value":"{{newcomers[i % newcomers.Count]}}"}]}]""")));
                    Console.WriteLine(await Measurement.RunAsync($"PATCH remove one member, group of {name}", iterations,
                        i => Patch(client, group, $$"""[{"op":"remove","path":"members[value eq \"{{newcomers[i % newcomers.Count]}}\"]"}]""")));
                }
                Console.WriteLine(await Measurement.RunAsync("POST /Users (create)", iterations, _ => Create(client)));
                Console.WriteLine(await Measurement.RunAsync("PATCH /Users/{id} replace active (deactivate)", iterations, i => PatchActive(client, newcomers, i)));
            }

            // The same SQL through raw Npgsql, same database, same run: the ceiling, and what the server adds to it.
            var workers = Option("--workers", 16);
            var seconds = Option("--seconds", 5);
            await using var source = NpgsqlDataSource.Create(connection);
            var ceiling = new Ceiling(source, token);
            var product = await DefaultProductAsync(connection, account);
            Console.WriteLine();
            Console.WriteLine($"{workers} callers at once, {seconds} s each; ceiling = the same SQL through raw Npgsql (no HTTP, no EF), {workers} connections:");
            Console.WriteLine(Measurement.ConcurrentHeader + "   server/ceiling (req/s)");
            foreach (var (name, server, raw) in new (string, Func<int, Task>, Func<int, Task>)[]
            {
                ("userName eq", _ => Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"userName eq \"USER-{User()}@example.com\"")}"),
                    _ => ceiling.UserNameEqAsync($"USER-{User()}@example.com")),
                ("GET by id", i => Get(client, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}"), i => ceiling.GetByIdAsync(newcomers[i % newcomers.Count])),
                ("page of 100", i => Get(client, $"/scim/v2/Users?count=100&startIndex={1 + (i * 100 % 10_000)}"), i => ceiling.PageAsync(1 + (i * 100 % 10_000))),
                ("create", _ => Create(client), _ => ceiling.CreateAsync($"raw-{Guid.NewGuid():N}@example.com", product)),
                ("PATCH active", i => PatchActive(client, newcomers, i), i => ceiling.PatchActiveAsync(newcomers[i % newcomers.Count], i % 2 != 0)),
                ("group PATCH add, 10 members", i => Patch(client, small, Add(i)), i => ceiling.AddMemberAsync(small, newcomers[i % newcomers.Count])),
                ($"group PATCH add, {users:N0} members", i => Patch(client, large, Add(i)), i => ceiling.AddMemberAsync(large, newcomers[i % newcomers.Count])),
            })
            {
                if (only is not null && !name.Contains(only, StringComparison.Ordinal))
                {
                    continue;
                }
                var figures = await Measurement.ConcurrentAsync("server  " + name, workers, seconds, server);
                var bare = await Measurement.ConcurrentAsync("ceiling " + name, workers, seconds, raw);
                Console.WriteLine(figures);
                Console.WriteLine($"{bare}   {figures.PerSecond / bare.PerSecond:F3}");
            }
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            Console.WriteLine($"peak working set of the server process (benchmark client included): {self.PeakWorkingSet64 / 1024 / 1024} MB");

            string Add(int i) => $$"""[{"op":"add","path":"members","value":[{"value":"{{newcomers[i % newcomers.Count]}}"}]}]""";
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (local is not null)
            {
                await local.StopAsync(CancellationToken.None);
                Directory.Delete(directory, recursive: true);
            }
        }

        static Task Create(HttpClient client) =>
            Send(client, HttpMethod.Post, "/scim/v2/Users", $$$"""{"userName":"new-{{{Guid.NewGuid():N}}}@example.com","name":{"givenName":"N","familyName":"U"}}""", HttpStatusCode.Created);

        static Task PatchActive(HttpClient client, List<Guid> newcomers, int i) =>
            Send(client, HttpMethod.Patch, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}",
                $$$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":{{{(i % 2 == 0 ? "false" : "true")}}}}]}""", HttpStatusCode.OK);

        static async Task<Guid> DefaultProductAsync(string connectionString, Guid account)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT default_product_id FROM accounts WHERE id = $1", connection) { Parameters = { new() { Value = account } } };
            return (Guid)(await command.ExecuteScalarAsync())!;
        }

        static async Task Get(HttpClient client, string url)
        {
            using var response = await client.GetAsync(url);
            await Check(response, HttpStatusCode.OK);
        }

        static Task Patch(HttpClient client, Guid group, string operations) =>
            Send(client, HttpMethod.Patch, $"/scim/v2/Groups/{group}",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operations}}}""", HttpStatusCode.NoContent);

        static async Task Send(HttpClient client, HttpMethod method, string url, string body, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/scim+json") };
            using var response = await client.SendAsync(request);
            await Check(response, expected);
        }

        static async Task Check(HttpResponseMessage response, HttpStatusCode expected)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
            }
        }

        static async Task<(Guid Small, Guid Large)> SeedAsync(string connectionString, Guid account, int users)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var small = Guid.CreateVersion7();
            var large = Guid.CreateVersion7();
            foreach (var sql in new[]
            {
                """
                INSERT INTO users (id, account_id, user_name, email, given_name, family_name, product_id, external_id, display_name, email_values, data, created, last_modified)
                SELECT gen_random_uuid(), $1, 'user-' || i || '@example.com', 'user-' || i || '@example.com', 'User', i::text,
                       (SELECT default_product_id FROM accounts WHERE id = $1), 'ext-' || i, 'User ' || i, ARRAY['user-' || i || '@example.com'],
                       jsonb_build_object('userName', 'user-' || i || '@example.com', 'externalId', 'ext-' || i, 'displayName', 'User ' || i,
                                          'active', true, 'name', jsonb_build_object('givenName', 'User', 'familyName', i::text),
                                          'emails', jsonb_build_array(jsonb_build_object('value', 'user-' || i || '@example.com', 'type', 'work', 'primary', true))),
                       now(), now()
                FROM generate_series(1, $2) AS i
                """,
                // Every seeded user holds a seat, as in a real tenant; the counter follows.
                "UPDATE products SET seats_used = $2 WHERE account_id = $1",
                "INSERT INTO groups (id, account_id, display_name, data, created, last_modified) VALUES ($3, $1, 'small', '{\"displayName\":\"small\"}', now(), now()), ($4, $1, 'large', '{\"displayName\":\"large\"}', now(), now())",
                "INSERT INTO group_members (group_id, member_id, member_type, account_id) SELECT $3, id, 'User', $1 FROM users WHERE account_id = $1 ORDER BY id LIMIT 10",
                "INSERT INTO group_members (group_id, member_id, member_type, account_id) SELECT $4, id, 'User', $1 FROM users WHERE account_id = $1",
                "ANALYZE",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                if (sql.Contains("$1", StringComparison.Ordinal))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = account });
                    command.Parameters.Add(new NpgsqlParameter { Value = users });
                    command.Parameters.Add(new NpgsqlParameter { Value = small });
                    command.Parameters.Add(new NpgsqlParameter { Value = large });
                }
                command.CommandTimeout = 600;
                await command.ExecuteNonQueryAsync();
            }
            return (small, large);
        }

        // Users outside both groups, added and removed by the membership benchmarks.
        static async Task<List<Guid>> NewcomersAsync(string connectionString, Guid account, int count)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                WITH added AS (
                    INSERT INTO users (id, account_id, user_name, email, given_name, family_name, product_id, data, created, last_modified)
                    SELECT gen_random_uuid(), $1, 'newcomer-' || i || '@example.com', 'newcomer-' || i || '@example.com', 'New', i::text,
                           (SELECT default_product_id FROM accounts WHERE id = $1),
                           jsonb_build_object('userName', 'newcomer-' || i || '@example.com', 'active', true,
                           'name', jsonb_build_object('givenName', 'New', 'familyName', i::text)), now(), now()
                    FROM generate_series(1, $2) AS i RETURNING id),
                counted AS (UPDATE products SET seats_used = seats_used + $2 WHERE id = (SELECT default_product_id FROM accounts WHERE id = $1))
                SELECT id FROM added
                """, connection) { Parameters = { new() { Value = account }, new() { Value = count } } };
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
            return ids;
        }

        int Option(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }
    }
}
