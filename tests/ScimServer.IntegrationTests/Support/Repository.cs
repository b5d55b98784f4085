namespace ScimServer.IntegrationTests.Support;

/// <summary>The checkout the tests run from, for tests of committed files (OpenAPI documents, deployment manifests).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ScimServer.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("No ScimServer.sln above " + AppContext.BaseDirectory);
    }
}
