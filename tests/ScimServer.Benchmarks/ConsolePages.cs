using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimServer.Persistence;

namespace ScimServer.Benchmarks;

/// <summary>
/// <c>--scenario console [--users 100000] [--audit 1000000]</c>: the console's pages, signed in as the account's Admin,
/// over an account of N users and an audit log of M entries (written through the append trigger, so chained like
/// real ones): latency per page, against the 300 ms the console promises.
/// </summary>
internal static partial class ConsolePages
{
    public static async Task RunAsync(string connection, int users, int auditEntries, int iterations)
    {
        await using var app = new BenchmarkApp(connection);
        var (account, _) = await BenchAccount.CreateAsync(app, "console", users + 100);
        Console.Error.WriteLine($"Seeding {users:N0} users and {auditEntries:N0} audit entries...");
        // With the teams: "large" holds every user, the worst case for a team page's usage figures.
        var (_, large) = await Seeding.SeedAsync(connection, account, users);
        var watch = Stopwatch.StartNew();
        var entra = await SeedAuditAsync(connection, account, users, auditEntries);
        Console.Error.WriteLine($"  audit entries written through the trigger in {watch.Elapsed.TotalSeconds:F0} s");

        const string name = "console-bench@example.com", password = "console benchmark password";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
            db.Operators.Add(new Operators.Operator
            {
                Id = Guid.CreateVersion7(), UserName = name, Kind = Operators.OperatorKind.AccountAdmin, AccountId = account, Created = DateTimeOffset.UtcNow,
                PasswordHash = scope.ServiceProvider.GetRequiredService<Operators.PasswordHasher>().Hash(password),
            });
            await db.SaveChangesAsync();
        }
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/console/sign-in");
        using var signIn = await client.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value, ["_handler"] = "sign-in",
            ["Form.Username"] = name, ["Form.Password"] = password,
        }));
        if (signIn.StatusCode != HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"Sign-in answered {(int)signIn.StatusCode}.");
        }

        var root = $"/console/accounts/{account}";
        var ids = await SomeUserIdsAsync(connection, account);
        string SomeId() => ids[Random.Shared.Next(ids.Count)].ToString();
        string Some() => (Random.Shared.Next(users) + 1).ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"Console benchmark: {users:N0} users, {auditEntries:N0} audit entries in the account, {Environment.ProcessorCount} cores (in-process: the server's time plus a thin client)");
        Console.WriteLine(Measurement.Header);
        foreach (var (label, url) in new (string, Func<string>)[]
        {
            ("overview (seats, credits, charts, invitations, SSO)", () => root),
            ("users, first page by user name", () => $"{root}/users"),
            ("users, plain-word search", () => $"{root}/users?q=user-{Some()}@"),
            ("users, SCIM filter userName eq", () => $"{root}/users?q={Uri.EscapeDataString($"userName eq \"user-{Some()}@example.com\"")}"),
            ("users, sorted by last change", () => $"{root}/users?sort=meta.lastModified"),
            ("users, sorted by last sign-in", () => $"{root}/users?sort=last-sign-in"),
            ("user page (balance, teams, history)", () => $"{root}/users/{SomeId()}"),
            ("teams, with member counts", () => $"{root}/teams"),
            ($"team page, {users:N0} members", () => $"{root}/teams/{large}"),
            ("connections and tokens", () => $"{root}/connections"),
            ("audit, newest page", () => $"{root}/audit"),
            ("audit, one user's history", () => $"{root}/audit?target=user-{Some()}@example.com"),
            ("audit, a page deep in the log", () => $"{root}/audit?before={Random.Shared.Next(auditEntries / 10, auditEntries / 2)}"),
            ("audit, refusals only", () => $"{root}/audit?outcome=Refused"),
            ("audit, one operation (5% of entries)", () => $"{root}/audit?operation=CreateUser"),
            ("audit, an operation with no entries", () => $"{root}/audit?operation=EraseUser"),
            ("audit, one IdP connection (2% of entries)", () => $"{root}/audit?actor=connection:{entra}"),
        })
        {
            Console.WriteLine(await Measurement.RunAsync(label, iterations, _ => BenchHttp.Get(client, url())));
        }
    }

    private static async Task<List<Guid>> SomeUserIdsAsync(string connectionString, Guid account)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM users WHERE account_id = $1 ORDER BY random() LIMIT 1000", connection) { Parameters = { new() { Value = account } } };
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>Entries about the seeded users, inserted in batches through the append trigger (numbered and hashed by it).</summary>
    private static async Task<Guid> SeedAuditAsync(string connectionString, Guid account, int users, int entries)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Small statements: the trigger updates the account's audit head once per row, and thousands of updates of one row
        // in one transaction make each next one slower (every version stays until the transaction ends).
        // A second connection (Entra ID beside the account's Okta) with 2% of the entries: the rare one to filter by.
        var second = Guid.CreateVersion7();
        await using (var add = new NpgsqlCommand("INSERT INTO scim_connections (id, account_id, idp, name, created) VALUES ($1, $2, 'EntraId', 'Entra ID', now())", connection)
        {
            Parameters = { new() { Value = second }, new() { Value = account } },
        })
        {
            await add.ExecuteNonQueryAsync();
        }
        const int batch = 100;
        for (var done = 0; done < entries; done += batch)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO audit_log (account_id, actor_type, actor_id, actor_name, connection_id, action, target_type, target_id, target_name, outcome, status, code, detail, changes)
                SELECT $1, 'ScimToken', 'bench', 'bench-token', CASE WHEN i % 50 = 7 THEN $5 ELSE (SELECT id FROM scim_connections WHERE account_id = $1 AND id <> $5 LIMIT 1) END, CASE WHEN i % 20 = 0 THEN 'CreateUser' ELSE 'PatchUser' END, 'User', u.id::text, u.user_name,
                       CASE WHEN i % 20 = 0 THEN 'Refused' ELSE 'Success' END, CASE WHEN i % 20 = 0 THEN 409 ELSE 200 END,
                       CASE WHEN i % 20 = 0 THEN 'uniqueness' END, CASE WHEN i % 20 = 0 THEN 'A user with this userName already exists.' END,
                       CASE WHEN i % 20 = 0 THEN NULL ELSE jsonb_build_object('title', jsonb_build_object('before', 'T' || i, 'after', 'T' || (i + 1))) END
                FROM generate_series($2, $3) AS i
                JOIN users u ON u.account_id = $1 AND lower(u.user_name) = 'user-' || (1 + i % $4) || '@example.com'
                """, connection)
            {
                CommandTimeout = 0,
                Parameters = { new() { Value = account }, new() { Value = done + 1 }, new() { Value = Math.Min(entries, done + batch) }, new() { Value = users }, new() { Value = second } },
            };
            await insert.ExecuteNonQueryAsync();
            if ((done / batch) % 500 == 0)
            {
                Console.Error.Write($"\r  {Math.Min(entries, done + batch):N0} audit entries");
            }
        }
        Console.Error.WriteLine();
        // Settled tables, as autovacuum leaves them: without it, index-only scans over freshly seeded users (the
        // overview's invitation counts) visit the heap for every row, which a live database does not.
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE users, group_members, audit_log", connection);
        await analyze.ExecuteNonQueryAsync();
        return second;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
