namespace ScimServer.IntegrationTests.Support;

/// <summary>
/// Classes that start server processes and race them, or drive a browser: they do not run at the same time as each
/// other. On two cores, Chromium beside 90 requests queued on one row lock pushed a few of those past the 15 s
/// statement timeout (503 instead of 409) in a full run; each passes alone.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RacingProcesses
{
    public const string Name = "Racing server processes";
}
