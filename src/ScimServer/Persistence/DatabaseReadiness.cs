using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScimServer.Persistence;

/// <summary>Readiness (<c>/readyz</c>): PostgreSQL answers within a few seconds and every migration is applied.</summary>
internal sealed class DatabaseReadiness(ScimDbContext db) : IHealthCheck
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            if (!await db.Database.CanConnectAsync(timeout.Token))
            {
                return HealthCheckResult.Unhealthy("PostgreSQL cannot be reached.");
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(timeout.Token)).Count();
            return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} migrations are not applied yet.");
        }
        catch (Exception e) when (e is OperationCanceledException || TransientDatabaseError.Is(e) || e is Npgsql.NpgsqlException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL did not answer within {Budget.TotalSeconds:0} s.");
        }
    }
}
