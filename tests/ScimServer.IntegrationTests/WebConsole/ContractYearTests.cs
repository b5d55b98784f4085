using ScimServer.Accounts;

namespace ScimServer.IntegrationTests.WebConsole;

/// <summary>The year the overview's monthly chart covers: the contract year under way, else the last 12 months.</summary>
public sealed class ContractYearTests
{
    [Theory]
    [InlineData("2025-03-15", "2026-12-03", "2026-03-15", "2027-03-15")] // in the second contract year
    [InlineData("2025-03-15", "2026-02-01", "2025-03-15", "2026-03-15")] // before this year's anniversary
    [InlineData("2025-03-15", "2026-03-15", "2026-03-15", "2027-03-15")] // on the anniversary: the new year
    [InlineData("2024-02-29", "2026-03-01", "2026-02-28", "2027-02-28")] // a leap-day start
    [InlineData("2027-01-01", "2026-12-03", "2026-01-01", "2027-01-01")] // a contract not begun yet: the last 12 months
    [InlineData(null, "2026-12-03", "2026-01-01", "2027-01-01")]         // no contract dates: the last 12 months
    public void ContractYear_IsTheYearUnderWay(string? contractStart, string today, string start, string end)
    {
        var account = new Account { Name = "x", ContractStart = contractStart is null ? null : DateOnly.Parse(contractStart, System.Globalization.CultureInfo.InvariantCulture) };
        var now = new DateTimeOffset(DateTime.Parse(today, System.Globalization.CultureInfo.InvariantCulture).AddHours(15), TimeSpan.Zero);
        var (from, to) = DashboardEndpoints.ContractYear(account, now);
        Assert.Equal((start, end), (from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
