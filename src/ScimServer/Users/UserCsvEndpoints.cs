using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScimServer.Audit;
using ScimServer.Groups;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;

namespace ScimServer.Users;

/// <summary>
/// Users as CSV, in the columns the product's admins already use (<c>email, first name, last name, department,
/// team</c>; optional <c>role</c> and <c>product</c>). An import is one transaction: every row is checked by the
/// same rules as a SCIM write, every row gets a result, and one bad row means nothing is imported.
/// </summary>
public static class UserCsvEndpoints
{
    public const int MaxRows = 10_000;
    public const int MaxBytes = 5 * 1024 * 1024;

    private static readonly string[] Required = ["email", "first name", "last name", "department", "team"];
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    public sealed record RowResult(int Line, string? Email, string Result, string? Detail = null);

    public static RouteGroupBuilder MapUserCsv(this RouteGroupBuilder account)
    {
        account.MapGet("/users/export", ExportUsers).WithName("ExportUsers");
        account.MapPost("/users/import", ImportUsers).WithName("ImportUsers");
        return account;
    }

    /// <summary>Streams every live user with their teams, one row at a time.</summary>
    internal static async Task ExportUsers(Guid accountId, HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"users-{accountId}.csv\"";
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT coalesce(u.email, u.user_name), u.given_name, u.family_name, u.data->'{Enterprise}'->>'department',
                   (SELECT string_agg(g.display_name, ';' ORDER BY g.display_name) FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.member_id = u.id),
                   u.role, p.code, u.active, u.last_login, u.credits_used
            FROM users u LEFT JOIN products p ON p.id = u.product_id
            WHERE u.account_id = @account AND u.deleted_at IS NULL
            ORDER BY lower(u.user_name)
            """, connection);
        command.Parameters.AddWithValue("account", accountId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var output = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
        using var csv = new CsvLines(output);
        await csv.WriteAsync(["email", "first name", "last name", "department", "team", "role", "product", "status", "last sign-in", "credits used"]);
        while (await reader.ReadAsync(ct))
        {
            var fields = Enumerable.Range(0, 7).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToList();
            fields.Add(!reader.GetBoolean(7) ? "deactivated" : reader.IsDBNull(8) ? "invited" : "active");
            fields.Add(reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8).ToString("O", CultureInfo.InvariantCulture));
            fields.Add(reader.GetInt64(9).ToString(CultureInfo.InvariantCulture));
            await csv.WriteAsync(fields);
        }
        await output.FlushAsync(ct);
    }

    internal static async Task<IResult> ImportUsers(Guid accountId, bool? preview, HttpContext context, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        var text = await ReadBodyAsync(context.Request, ct);
        if (!text.IsSuccess)
        {
            return ApiProblem.From(text.Error);
        }
        var outcome = await ImportAsync(accountId, text.Value, preview == true, db, unit, audit, ct);
        if (outcome.Error is { } error)
        {
            return ApiProblem.Result(error.Status, ApiProblem.CodeOf(error), error.Detail,
                error.ScimType == "importRejected" ? new Dictionary<string, object?> { ["rows"] = outcome.Rows } : null);
        }
        return Results.Ok(new
        {
            preview = outcome.Preview,
            valid = outcome.Valid,
            imported = outcome.Valid && !outcome.Preview ? outcome.Rows.Count : 0,
            created = outcome.Count("created"),
            updated = outcome.Count("updated"),
            errors = outcome.Count("error"),
            rows = outcome.Rows,
        });
    }

    /// <summary>What an import did, or in a preview would do: every row's result, and the refusal when it imported nothing.</summary>
    public sealed record ImportOutcome(bool Preview, IReadOnlyList<RowResult> Rows, ScimError? Error)
    {
        public bool Valid => Error is null && Rows.All(r => r.Result != "error");

        public int Count(string result) => Rows.Count(r => r.Result == result);
    }

    /// <summary>
    /// Imports a CSV text in one transaction; a preview runs the very same rows and rules in that transaction and
    /// rolls it back, so what it reports is what the import will do (unless the account changes in between).
    /// </summary>
    public static async Task<ImportOutcome> ImportAsync(Guid accountId, string text, bool preview, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        var parsed = Parse(text);
        if (!parsed.IsSuccess)
        {
            return new ImportOutcome(preview, [], parsed.Error);
        }
        List<RowResult> results = [];
        var rolledBack = new ScimError(409, "preview", "A preview changes nothing.");
        var outcome = await unit.RunAsync(async token =>
        {
            results = await ImportRowsAsync(db, audit, accountId, parsed.Value, token);
            var bad = results.Count(r => r.Result == "error");
            return preview ? rolledBack
                : bad == 0 ? Result<object>.Ok(results.Count)
                : new ScimError(422, "importRejected", $"{bad} of {results.Count} rows cannot be imported, so none was: fix them and send the file again.");
        }, ct);
        return new ImportOutcome(preview, results, outcome.IsSuccess || outcome.Error == rolledBack ? null : outcome.Error);
    }

    private sealed record Row(int Line, string Email, string FirstName, string LastName, string Department, string Team, string? Role, string? Product);

    private static Result<List<Row>> Parse(string text)
    {
        using var reader = CsvReader.FromText(text, new CsvReaderOptions { TrackLineNumbers = true, TrimWhitespace = true, MalformedData = CsvMalformedDataHandling.Throw });
        string[] headers;
        try
        {
            headers = reader.Headers.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        }
        catch (CsvFormatException e)
        {
            return ScimError.InvalidValue("The CSV header cannot be read: " + e.Message);
        }
        var missing = Required.Where(r => !headers.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            return ScimError.InvalidValue($"The CSV header lacks {string.Join(", ", missing.Select(m => $"'{m}'"))}; expected: {string.Join(", ", Required)} (role and product optional).");
        }
        int Column(string name) => Array.IndexOf(headers, name);
        string? Field(int index) => index >= 0 && index < reader.FieldCount ? reader.GetString(index) : null;
        var rows = new List<Row>();
        try
        {
            while (reader.Read())
            {
                if (rows.Count == MaxRows)
                {
                    return new ScimError(413, null, $"The file has more than {MaxRows} rows; split it.");
                }
                rows.Add(new Row((int)reader.LineNumber, Field(Column("email")) ?? "", Field(Column("first name")) ?? "", Field(Column("last name")) ?? "",
                    Field(Column("department")) ?? "", Field(Column("team")) ?? "", NullIfEmpty(Field(Column("role"))), NullIfEmpty(Field(Column("product")))));
            }
        }
        catch (CsvFormatException e)
        {
            return ScimError.InvalidValue("The CSV is malformed: " + e.Message);
        }
        return rows.Count == 0 ? ScimError.InvalidValue("The CSV has a header but no rows.") : Result<List<Row>>.Ok(rows);
    }

    private static async Task<List<RowResult>> ImportRowsAsync(ScimDbContext db, AuditTrail audit, Guid accountId, List<Row> rows, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        var writer = new UserWriter(db, account, audit);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var teams = new Dictionary<string, Group>(StringComparer.OrdinalIgnoreCase);
        var results = new List<RowResult>();
        foreach (var row in rows)
        {
            if (row.Email.Length == 0)
            {
                results.Add(new RowResult(row.Line, null, "error", "email is empty."));
                continue;
            }
            if (!seen.Add(row.Email))
            {
                results.Add(new RowResult(row.Line, row.Email, "error", "This email appears earlier in the file."));
                continue;
            }
            var email = row.Email;
            // The file names people by email, whatever userName their IdP gave them.
            var user = await db.Users.Live(accountId).FirstOrDefaultAsync(u => u.Email!.ToLower() == email.ToLower(), ct);
            var created = user is null;
            user ??= new User { Id = Guid.CreateVersion7(), AccountId = accountId, UserName = email, Data = "{}", Created = DateTimeOffset.UtcNow, Source = "csv" };
            var doc = created ? new JsonObject { ["userName"] = email, ["active"] = true } : JsonNode.Parse(user.Data)!.AsObject();
            doc["name"] = new JsonObject { ["givenName"] = row.FirstName, ["familyName"] = row.LastName, ["formatted"] = $"{row.FirstName} {row.LastName}".Trim() };
            doc["emails"] ??= new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
            var enterprise = doc[Enterprise] as JsonObject ?? (JsonObject)(doc[Enterprise] = new JsonObject());
            enterprise["department"] = row.Department.Length == 0 ? null : row.Department;
            var extension = UserAdminEndpoints.Extension(doc);
            if (row.Role is not null)
            {
                extension["role"] = row.Role;
            }
            if (row.Product is not null)
            {
                extension["product"] = row.Product;
            }
            var refused = await writer.ImportAsync(user, created, doc, ct);
            if (refused is not null)
            {
                // The writer left the row's user unchanged; later rows are still checked, against the rows before.
                results.Add(new RowResult(row.Line, email, "error", refused.Detail));
                continue;
            }
            if (row.Team.Length > 0)
            {
                var team = await TeamAsync(db, audit, accountId, row.Team, teams, ct);
                if (!team.IsSuccess)
                {
                    results.Add(new RowResult(row.Line, email, "error", "team: " + team.Error.Detail));
                    continue;
                }
                await new MembershipWriter(db, accountId, team.Value.Id).AddAsync([new JsonObject { ["value"] = user.Id.ToString() }], ct);
            }
            results.Add(new RowResult(row.Line, email, created ? "created" : "updated"));
        }
        return results;
    }

    /// <summary>The team named in a row, created (without a credit limit) when the account has none of that name.</summary>
    private static async Task<Result<Group>> TeamAsync(ScimDbContext db, AuditTrail audit, Guid accountId, string name, Dictionary<string, Group> cache, CancellationToken ct)
    {
        if (cache.TryGetValue(name, out var known))
        {
            return Result<Group>.Ok(known);
        }
        var team = await db.Groups.FirstOrDefaultAsync(g => g.AccountId == accountId && g.DisplayName.ToLower() == name.ToLower(), ct);
        if (team is null)
        {
            var created = await new GroupWriter(db, accountId, audit).CreateAsync(new JsonObject { ["displayName"] = name }, ct, sideEffect: "CreateTeam");
            if (!created.IsSuccess)
            {
                return created.Error;
            }
            team = created.Value.Group;
        }
        return Result<Group>.Ok(cache[name] = team);
    }

    private static async Task<Result<string>> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return new ScimError(413, null, $"The file is larger than {MaxBytes / 1024 / 1024} MB; split it.");
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return read > MaxBytes
            ? new ScimError(413, null, $"The file is larger than {MaxBytes / 1024 / 1024} MB; split it.")
            : Result<string>.Ok(new string(buffer, 0, read));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
