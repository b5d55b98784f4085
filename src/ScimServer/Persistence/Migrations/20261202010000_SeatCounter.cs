using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// Seats taken per product as a counter on the product row, kept in the transaction of every write that takes or
/// frees one (under the product row lock that already serialises grants), so a seat check reads one row instead
/// of counting the account's users.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261202010000_SeatCounter")]
public sealed class SeatCounter : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE products ADD COLUMN seats_used integer NOT NULL DEFAULT 0 CHECK (seats_used >= 0);
            UPDATE products p SET seats_used = c.n
            FROM (SELECT product_id, count(*) AS n FROM users
                  WHERE active AND deleted_at IS NULL AND role <> 'Viewer' AND product_id IS NOT NULL GROUP BY product_id) c
            WHERE c.product_id = p.id;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE products DROP COLUMN seats_used;");
    }
}
