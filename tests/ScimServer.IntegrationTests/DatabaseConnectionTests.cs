using ScimServer.Persistence;

namespace ScimServer.IntegrationTests;

/// <summary>The connection string the server uses: No Reset On Close unless the operator chose otherwise.</summary>
public sealed class DatabaseConnectionTests
{
    [Theory]
    [InlineData("Host=db;Password=ResetMe;Database=scim", "No Reset On Close=True")]
    [InlineData("Host=db;Database=scim;No Reset On Close=false", "No Reset On Close=false")]
    [InlineData("Host=db;Database=scim;NoResetOnClose=false", "NoResetOnClose=false")]
    public void Tune_AddsNoResetOnClose_UnlessTheStringNamesIt(string configured, string expected)
    {
        var tuned = DatabaseConnection.Tune(configured);

        Assert.Contains(expected, tuned, StringComparison.OrdinalIgnoreCase);
    }
}
