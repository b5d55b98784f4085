using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// Nothing a client sends may produce a 5xx. Valid requests are corrupted character by character with a fixed
/// seed (so failures reproduce) and sent through the real pipeline.
/// </summary>
public sealed class MalformedInputTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Alphabet = "\"\\[]().,:-_ $%'{}aeEqrTnNuUl0123456789\u00e9\u0000\u2028";

    private static readonly string[] Filters =
    [
        "userName eq \"bjensen@example.com\"",
        "emails[type eq \"work\" and value co \"@example.com\"] or not (title pr)",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"x\" and meta.lastModified gt \"2020-01-01T00:00:00Z\"",
        "(active eq true and (name.familyName sw \"J\" or groups.value eq \"2819c223-7f76-453a-919d-413861904646\"))",
    ];

    private static readonly string[] Patches =
    [
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@example.com"}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","value":{"name.givenName":"A","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"}}}]}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"addresses[type eq \"home\"].locality"},{"op":"replace","path":"active","value":"False"}]}""",
    ];

    private static readonly string[] Users =
    [
        """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"fuzz@example.com","name":{"givenName":"F","familyName":"Z"},"emails":[{"value":"fuzz@example.com","primary":true}],"active":true}""",
    ];

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(3))
            {
                case 0:
                    chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 1 when at < chars.Count:
                    chars.RemoveAt(at);
                    break;
                default:
                    if (at < chars.Count)
                    {
                        chars[at] = Alphabet[random.Next(Alphabet.Length)];
                    }
                    break;
            }
        }
        return new string(chars.ToArray());
    }

    [Fact]
    public async Task CorruptedFilters_NeverFailTheServer()
    {
        var account = await fixture.NewAccountAsync();
        var random = new Random(7);
        for (var i = 0; i < 400; i++)
        {
            var filter = Mutate(Filters[i % Filters.Length], random);
            var path = i % 2 == 0 ? "/Users" : "/Groups";
            var response = await account.Scim.GetAsync($"{path}?filter={Uri.EscapeDataString(filter)}&sortBy={Uri.EscapeDataString(Mutate("name.familyName", random))}");
            Assert.True((int)response.Status < 500, $"{path} filter {filter} -> {(int)response.Status} {response.Body}");
        }
    }

    [Fact]
    public async Task CorruptedPatchAndCreateBodies_NeverFailTheServer()
    {
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("target@example.com", """ "addresses":[{"type":"home","locality":"Oslo"}] """);
        var group = await account.Scim.CreateGroupAsync("Target", user["id"]!.GetValue<string>());
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var patch = Mutate(Patches[i % Patches.Length], random);
            var target = i % 3 == 0 ? $"/Groups/{group["id"]}" : $"/Users/{user["id"]}";
            var response = await account.Scim.PatchAsync(target, patch);
            Assert.True((int)response.Status < 500, $"PATCH {target} {patch} -> {(int)response.Status} {response.Body}");

            var body = Mutate(Users[0], random).Replace("fuzz@", $"fuzz{i}@", StringComparison.Ordinal);
            var created = await account.Scim.PostAsync(i % 2 == 0 ? "/Users" : "/Groups", body);
            Assert.True((int)created.Status < 500, $"POST {body} -> {(int)created.Status} {created.Body}");
        }
    }
}
