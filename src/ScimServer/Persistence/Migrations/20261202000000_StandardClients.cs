using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// Standard SCIM clients: the person's email and names as their own columns (userName may be any string), the
/// domain and name rules as account policies, and the PATCH compatibility setting for value filters that match nothing.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261202000000_StandardClients")]
public sealed class StandardClients : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE users ADD COLUMN email text, ADD COLUMN given_name text, ADD COLUMN family_name text;
            -- Until now every userName was an address of a verified domain and every user had both names.
            UPDATE users SET email = user_name, given_name = data->'name'->>'givenName', family_name = data->'name'->>'familyName';
            -- Not unique: standard clients give several users one address; the account policy require_email makes it so.
            CREATE INDEX ix_users_account_email ON users (account_id, lower(email)) WHERE deleted_at IS NULL;

            ALTER TABLE accounts ADD COLUMN restrict_domains boolean NOT NULL DEFAULT false,
                                 ADD COLUMN require_names boolean NOT NULL DEFAULT false,
                                 ADD COLUMN require_email boolean NOT NULL DEFAULT false;
            -- Accounts that exist keep the rules they were provisioned under; new accounts start without them.
            UPDATE accounts SET restrict_domains = true, require_names = true, require_email = true;

            ALTER TABLE scim_connections ADD COLUMN unmatched_value_filter text NOT NULL DEFAULT 'NoTarget'
                CHECK (unmatched_value_filter IN ('NoTarget', 'Create'));
            -- Entra ID sets a missing work email with Replace on emails[type eq "work"].value and treats 400 as a failure.
            UPDATE scim_connections SET unmatched_value_filter = 'Create' WHERE idp = 'EntraId';
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP INDEX ix_users_account_email;
            ALTER TABLE users DROP COLUMN email, DROP COLUMN given_name, DROP COLUMN family_name;
            ALTER TABLE accounts DROP COLUMN restrict_domains, DROP COLUMN require_names, DROP COLUMN require_email;
            ALTER TABLE scim_connections DROP COLUMN unmatched_value_filter;
            """);
    }
}
