using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// What the console shows: users sorted by last sign-in and by credits used (the Admin Center's "sorted by last
/// login"; without these indexes a page of a 100k-user account sorts every live user first), and each token's last use.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261203000000_ConsoleColumns")]
public sealed class ConsoleColumns : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE INDEX ix_users_account_last_login ON users (account_id, last_login) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_account_credits_used ON users (account_id, credits_used) WHERE deleted_at IS NULL;
            ALTER TABLE scim_tokens ADD COLUMN last_used_at timestamptz;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP INDEX ix_users_account_last_login; DROP INDEX ix_users_account_credits_used; ALTER TABLE scim_tokens DROP COLUMN last_used_at;");
    }
}
