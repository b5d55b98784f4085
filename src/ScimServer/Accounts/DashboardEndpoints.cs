using ScimServer.Users;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScimServer.Credits;
using ScimServer.OperatorApi;
using ScimServer.Persistence;

namespace ScimServer.Accounts;

/// <summary>
/// The figures an account's admins watch: the credit pool, seats per product, credits used per month over a
/// period, the top 10 users by credits used, and users who have not signed in for N days (seats to reclaim).
/// Monthly and per-user sums are grouped in SQL over the credit ledger's (account_id, at) index.
/// </summary>
public static class DashboardEndpoints
{
    public static readonly string[] Periods = ["last-week", "last-2-weeks", "month-to-date", "quarter-to-date", "year-to-date", "custom"];

    public static RouteGroupBuilder MapDashboard(this RouteGroupBuilder account)
    {
        account.MapGet("/dashboard", GetDashboard).WithName("GetDashboard");
        return account;
    }

    internal static async Task<IResult> GetDashboard(
        Guid accountId, string? period, DateOnly? from, DateOnly? to, int? inactiveDays, ScimDbContext db, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var range = Range(period ?? "month-to-date", from, to, now);
        if (range is null)
        {
            return ApiProblem.Result(400, "invalid",
                $"period must be one of {string.Join(", ", Periods)}; custom needs from and to (yyyy-MM-dd, from before to, at most 5 years apart).");
        }
        var days = inactiveDays ?? 30;
        if (days is < 1 or > 3650)
        {
            return ApiProblem.Result(400, "invalid", "inactiveDays must be between 1 and 3650.");
        }
        var (start, end) = range.Value;
        var pool = await new CreditBook(db).PoolAsync(accountId, ct);
        var seats = await ProductSeats.OfAccountAsync(db, accountId, ct);
        var consumed = db.CreditLedger.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.Kind == CreditEntryKind.Consume && e.At >= start && e.At < end);
        var monthly = await CreditsPerMonthAsync(db, accountId, start, end, ct);
        var top = await consumed.Where(e => e.UserId != null)
            .GroupBy(e => e.UserId!.Value)
            .Select(g => new { UserId = g.Key, Credits = g.Sum(e => e.Amount) })
            .OrderByDescending(g => g.Credits).Take(10)
            .Join(db.Users, g => g.UserId, u => u.Id, (g, u) => new { g.UserId, u.UserName, g.Credits })
            .ToListAsync(ct);
        var cutoff = now.AddDays(-days);
        var idle = db.Users.AsNoTracking().Active(accountId).Where(u => (u.LastLogin ?? u.Created) < cutoff);
        return Results.Ok(new
        {
            period = new { name = period ?? "month-to-date", from = start, to = end },
            credits = new { total = pool.Total, used = pool.Used, reserved = pool.Reserved, available = pool.Available },
            seats = seats.Select(s => new { product = s.Code, purchased = s.Purchased, used = s.Used, left = s.Left }),
            creditsPerMonth = monthly.Select(m => new { month = m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), credits = m.Credits }),
            creditsInPeriod = monthly.Sum(m => m.Credits),
            topUsers = top.Select(t => new { userId = t.UserId, userName = t.UserName, credits = t.Credits }),
            notSignedIn = new
            {
                days,
                count = await idle.CountAsync(ct),
                users = await idle.OrderBy(u => u.LastLogin ?? u.Created).Take(50)
                    .Select(u => new { u.Id, u.UserName, u.LastLogin, u.Created }).ToListAsync(ct),
            },
        });
    }

    /// <summary>Credits consumed per calendar month (UTC) in [start, end); months with none are left out.</summary>
    public static Task<List<MonthTotal>> CreditsPerMonthAsync(ScimDbContext db, Guid accountId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        db.Database.SqlQuery<MonthTotal>($"""
            SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date AS "Month", sum(amount)::bigint AS "Credits"
            FROM credit_ledger
            WHERE account_id = {accountId} AND kind = 'Consume' AND at >= {start} AND at < {end}
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(ct);

    /// <summary>The contract year under way (from the contract's start date), else the 12 months up to this one.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) ContractYear(Account account, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = account.ContractStart is { } start && start <= today
            ? start.AddYears(today.Year - start.Year - (start.AddYears(today.Year - start.Year) > today ? 1 : 0))
            : new DateOnly(today.Year, today.Month, 1).AddMonths(-11);
        return (new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(first.AddYears(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }

    /// <summary>[start, end) in UTC for a named period; null when it cannot be understood.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End)? Range(string period, DateOnly? from, DateOnly? to, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            "last-week" => (today.AddDays(-6), now),
            "last-2-weeks" => (today.AddDays(-13), now),
            "month-to-date" => (new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero), now),
            "quarter-to-date" => (new DateTimeOffset(today.Year, (today.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, TimeSpan.Zero), now),
            "year-to-date" => (new DateTimeOffset(today.Year, 1, 1, 0, 0, 0, TimeSpan.Zero), now),
            "custom" when from is { } f && to is { } t && f <= t && t.DayNumber - f.DayNumber <= 5 * 366 =>
                (new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)),
            _ => null,
        };
    }

    public sealed class MonthTotal
    {
        public DateOnly Month { get; set; }
        public long Credits { get; set; }
    }
}
