using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>CSV export and the all-or-nothing CSV import with a result per row.</summary>
public sealed class UserCsvTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private static async Task<ApiResponse> Import(ApiClient api, Guid account, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{account}/users/import")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        using var response = await api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(text), text, null, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Import_CreatesAndUpdatesUsersAndTeams_ThenExportShowsThem()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        await account.Scim.CreateUserAsync("existing@example.com");
        var result = (await Import(api, account.Id, """
            email,first name,last name,department,team
            new.one@example.com,Nina,One,Finance,Analysts
            "existing@example.com","Eve","Existing, Jr.",Sales,Analysts
            new.two@example.com,Noah,Two,,
            """)).AssertStatus(HttpStatusCode.OK).Json!;
        Assert.Equal((3, 2, 1), (result["imported"]!.GetValue<int>(), result["created"]!.GetValue<int>(), result["updated"]!.GetValue<int>()));
        Assert.Equal([2, 3, 4], result["rows"]!.AsArray().Select(r => r!["line"]!.GetValue<int>()));

        var export = await api.Http.GetStringAsync($"/api/accounts/{account.Id}/users/export");
        var lines = export.Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("email,first name,last name,department,team,role,product,status,last sign-in,credits used", lines[0]);
        Assert.Contains("existing@example.com,Eve,\"Existing, Jr.\",Sales,Analysts,User,standard,invited,,0", lines);
        Assert.Contains(lines, l => l.StartsWith("new.one@example.com,Nina,One,Finance,Analysts,", StringComparison.Ordinal));
        Assert.Equal(4, lines.Length);
        var scim = await account.Scim.GetAsync("/Groups?filter=displayName eq \"Analysts\"");
        Assert.Equal(1, scim.Json!["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_WithBadRows_ImportsNothing_AndReportsEveryRow()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { Products = [("solo", 2)], RestrictDomains = true, RequireNames = true });
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var response = await Import(api, account.Id, """
            email,first name,last name,department,team
            good@example.com,Gia,Good,Ops,Core
            outsider@other.org,Oli,Out,Ops,Core
            good@example.com,Gia,Again,Ops,Core
            second@example.com,Sam,Second,Ops,Core
            third@example.com,Tia,Third,Ops,Core
            nolast@example.com,Nora,,Ops,Core
            """);
        Assert.Contains("4 of 6 rows", response.AssertProblem((HttpStatusCode)422, "importRejected"));
        var rows = response.Json!["rows"]!.AsArray();
        Assert.Equal(["created", "error", "error", "created", "error", "error"], rows.Select(r => r!["result"]!.GetValue<string>()));
        Assert.Contains("verified domain", rows[1]!["detail"]!.GetValue<string>());
        Assert.Contains("earlier in the file", rows[2]!["detail"]!.GetValue<string>());
        Assert.Contains("No free seat", rows[4]!["detail"]!.GetValue<string>());
        Assert.Contains("familyName", rows[5]!["detail"]!.GetValue<string>());

        await using var db = fixture.Db();
        Assert.Equal(0, await db.Users.CountAsync(u => u.AccountId == account.Id));
        Assert.Equal(0, await db.Groups.CountAsync(g => g.AccountId == account.Id));
        Assert.Contains("lacks 'team'", (await Import(api, account.Id, "email,first name,last name,department\na@example.com,A,B,C\n"))
            .AssertProblem(HttpStatusCode.BadRequest, "invalidValue"));
    }
}
