using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// One IdP connection's audit entries, newest first: the console's actor filter and the API's
/// <c>$filter=connectionId eq …</c>. Without it, a connection's history is found by reading the whole account's log.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261203030000_AuditConnectionIndex")]
public sealed class AuditConnectionIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("CREATE INDEX ix_audit_log_connection ON audit_log (account_id, connection_id, seq) WHERE connection_id IS NOT NULL;");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP INDEX ix_audit_log_connection;");
    }
}
