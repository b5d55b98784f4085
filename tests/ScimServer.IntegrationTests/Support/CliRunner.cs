using ScimServer.Cli;

namespace ScimServer.IntegrationTests.Support;

/// <summary>Runs a CLI command in-process against the test database, capturing what it prints.</summary>
public static class CliRunner
{
    private static readonly SemaphoreSlim Console_ = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> RunAsync(ScimFixture fixture, params string[] args)
    {
        await Console_.WaitAsync();
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOut, originalErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await CliCommands.RunAsync([.. args, $"--ConnectionStrings:Scim={fixture.ConnectionString}", $"--Passwords:Iterations={ScimApp.PasswordIterations}"]);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalErr);
            Console_.Release();
        }
    }
}
