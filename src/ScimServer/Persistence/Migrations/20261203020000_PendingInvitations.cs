using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// Pending invitations (active, never signed in), ordered by when they were sent: the console's overview counts
/// them, counts the lapsed ones and lists the oldest. Without it, an account of 100k invited users sorts them all.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261203020000_PendingInvitations")]
public sealed class PendingInvitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE INDEX ix_users_pending_invitations ON users (account_id, (coalesce(invited_at, created)))
                WHERE deleted_at IS NULL AND active AND last_login IS NULL;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP INDEX ix_users_pending_invitations;");
    }
}
