namespace ScimServer.Protocol.Tests.Support;

/// <summary>Reads "input ⇒ expected" lines from a file under Cases/; blank lines and # comments are skipped.</summary>
internal static class CaseFile
{
    public static TheoryData<string, string> Read(string name)
    {
        var data = new TheoryData<string, string>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Cases", name)))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }
            var split = line.Split(" ⇒ ", 2);
            if (split.Length != 2)
            {
                throw new InvalidDataException($"{name}: '{line}' has no ' ⇒ '.");
            }
            data.Add(split[0], split[1]);
        }
        return data;
    }
}
