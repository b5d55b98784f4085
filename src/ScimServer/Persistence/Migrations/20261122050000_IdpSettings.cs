using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>Per-account mapping of IdP app roles to our role and product; per-connection compatibility settings.</summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122050000_IdpSettings")]
public sealed class IdpSettings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE accounts ADD COLUMN idp_role_mappings jsonb NOT NULL DEFAULT '[]';
            ALTER TABLE scim_connections ADD COLUMN unknown_group_members text NOT NULL DEFAULT 'Reject'
                CHECK (unknown_group_members IN ('Reject', 'Ignore'));
            -- The three IdPs push a group in one request; one member they have not provisioned yet must not lose the rest.
            UPDATE scim_connections SET unknown_group_members = 'Ignore' WHERE idp IN ('Okta', 'EntraId', 'OneLogin');
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE accounts DROP COLUMN idp_role_mappings;
            ALTER TABLE scim_connections DROP COLUMN unknown_group_members;
            """);
    }
}
