using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// GIN indexes buffer new entries in a pending list that every lookup scans linearly until vacuum merges it:
/// after a bulk import, <c>emails.value eq</c> took 4 ms instead of 0.1 ms on 100,000 users. SCIM writes are
/// single rows, so entries go straight into the index instead.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122010000_GinWithoutPendingList")]
public sealed class GinWithoutPendingList : Migration
{
    private static readonly string[] Indexes = ["ix_users_email_values", "ix_users_user_name_trgm", "ix_groups_display_name_trgm"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var index in Indexes)
        {
            migrationBuilder.Sql($"ALTER INDEX {index} SET (fastupdate = off); SELECT gin_clean_pending_list('{index}'::regclass);");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var index in Indexes)
        {
            migrationBuilder.Sql($"ALTER INDEX {index} RESET (fastupdate);");
        }
    }
}
