using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
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
            if (args.Contains("paging"))
            {
                // --scenario paging [--users 1000000] [--count 100]: a full walk by cursor against index pages at its start, middle and end.
                await Paging.RunAsync(connection, Option("--users", 1_000_000), Option("--count", 100));
                return;
            }
            if (args.Contains("bulk"))
            {
                // --scenario bulk [--operations 1000]: one /Bulk of N creates against N single POSTs.
                await BulkVsSingle.RunAsync(connection, Option("--operations", 1000), Option("--rounds", 3));
                return;
            }
            if (args.Contains("console"))
            {
                // --scenario console [--users 100000] [--audit 1000000]: the console's pages over a large account and audit log.
                await ConsolePages.RunAsync(connection, users, Option("--audit", 1_000_000), Math.Min(iterations, 100));
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
                await Seeding.SeedAsync(connection, other, users / 4);
            }
            var (small, large) = await Seeding.SeedAsync(connection, account, users);

            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            string User() => (Random.Shared.Next(users) + 1).ToString(CultureInfo.InvariantCulture);
            var newcomers = await NewcomersAsync(connection, account, Math.Max(5_000, iterations + 20));

            Console.WriteLine($"ScimServer benchmark: {users:N0} users (+{users / 2:N0} in two other accounts), {Environment.ProcessorCount} cores, PostgreSQL {(local is null ? "from SCIM_BENCH_CONNECTION" : "local cluster")}");
            Console.WriteLine(await StorageAsync(connection));
            Console.WriteLine();
            // --only NAME: just the 16-caller rows whose name contains NAME (for profiling one operation).
            var onlyAt = Array.IndexOf(args, "--only");
            var only = onlyAt >= 0 ? args[onlyAt + 1] : null;
            if (only is null)
            {
                Console.WriteLine("One caller at a time (latency):");
                Console.WriteLine(Measurement.Header);
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=userName eq (Okta/Entra match)", iterations,
                    _ => BenchHttp.Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"userName eq \"USER-{User()}@example.com\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=externalId eq", iterations,
                    _ => BenchHttp.Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"externalId eq \"ext-{User()}\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=emails.value eq", iterations,
                    _ => BenchHttp.Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"emails.value eq \"user-{User()}@example.com\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?filter=userName sw (trigram index)", iterations,
                    _ => BenchHttp.Get(client, $"/scim/v2/Users?count=10&filter={Uri.EscapeDataString($"userName sw \"user-{User()}@\"")}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users/{id}", iterations,
                    i => BenchHttp.Get(client, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Users?startIndex=..&count=100 (one page)", Math.Max(20, iterations / 10),
                    i => BenchHttp.Get(client, $"/scim/v2/Users?count=100&startIndex={1 + (i * 100 % 10_000)}")));
                Console.WriteLine(await Measurement.RunAsync("GET /Groups?filter=displayName eq&excludedAttributes=members", iterations,
                    _ => BenchHttp.Get(client, $"/scim/v2/Groups?excludedAttributes=members&filter={Uri.EscapeDataString("displayName eq \"large\"")}")));
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
                ("userName eq", _ => BenchHttp.Get(client, $"/scim/v2/Users?filter={Uri.EscapeDataString($"userName eq \"USER-{User()}@example.com\"")}"),
                    _ => ceiling.UserNameEqAsync($"USER-{User()}@example.com")),
                ("GET by id", i => BenchHttp.Get(client, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}"), i => ceiling.GetByIdAsync(newcomers[i % newcomers.Count])),
                ("page of 100", i => BenchHttp.Get(client, $"/scim/v2/Users?count=100&startIndex={1 + (i * 100 % 10_000)}"), i => ceiling.PageAsync(1 + (i * 100 % 10_000))),
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
            BenchHttp.Send(client, HttpMethod.Post, "/scim/v2/Users", $$$"""{"userName":"new-{{{Guid.NewGuid():N}}}@example.com","name":{"givenName":"N","familyName":"U"}}""", HttpStatusCode.Created);

        static Task PatchActive(HttpClient client, List<Guid> newcomers, int i) =>
            BenchHttp.Send(client, HttpMethod.Patch, $"/scim/v2/Users/{newcomers[i % newcomers.Count]}",
                $$$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":{{{(i % 2 == 0 ? "false" : "true")}}}}]}""", HttpStatusCode.OK);

        static async Task<Guid> DefaultProductAsync(string connectionString, Guid account)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT default_product_id FROM accounts WHERE id = $1", connection) { Parameters = { new() { Value = account } } };
            return (Guid)(await command.ExecuteScalarAsync())!;
        }

        // On-disk bytes per row with its indexes and TOAST, after a VACUUM ANALYZE: what docs/scaling.md multiplies out.
        static async Task<string> StorageAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE users, group_members, audit_log", connection))
            {
                await vacuum.ExecuteNonQueryAsync();
            }
            var parts = new List<string>();
            foreach (var table in new[] { "users", "group_members" })
            {
                await using var command = new NpgsqlCommand($"SELECT pg_total_relation_size('{table}') / greatest(count(*), 1) FROM {table}", connection);
                parts.Add($"{table} {(long)(await command.ExecuteScalarAsync())!:N0} bytes/row");
            }
            return "storage with indexes: " + string.Join(", ", parts);
        }

        static Task Patch(HttpClient client, Guid group, string operations) =>
            BenchHttp.Send(client, HttpMethod.Patch, $"/scim/v2/Groups/{group}",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operations}}}""", HttpStatusCode.NoContent);

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
