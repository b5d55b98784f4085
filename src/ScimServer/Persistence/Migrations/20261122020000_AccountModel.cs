using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>The seat- and SSO-gated account model: tier, SSO, domains, products with seats, roles and credits.</summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122020000_AccountModel")]
public sealed class AccountModel : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE accounts
                ADD COLUMN tier text NOT NULL DEFAULT 'Professional' CHECK (tier IN ('Professional', 'Advanced', 'Elite', 'Enterprise')),
                ADD COLUMN email_domains text[] NOT NULL DEFAULT '{}',
                ADD COLUMN viewer_access boolean NOT NULL DEFAULT false,
                ADD COLUMN credit_pool bigint NOT NULL DEFAULT 0 CHECK (credit_pool >= 0),
                ADD COLUMN contract_start date,
                ADD COLUMN contract_end date,
                ADD COLUMN sso_idp text CHECK (sso_idp IN ('Okta', 'EntraId', 'OneLogin', 'Other')),
                ADD COLUMN sso_status text NOT NULL DEFAULT 'NotConfigured' CHECK (sso_status IN ('NotConfigured', 'Configured', 'Active')),
                ADD COLUMN require_sso boolean NOT NULL DEFAULT false,
                ADD COLUMN default_product_id uuid;

            CREATE TABLE products (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                code text NOT NULL,
                name text NOT NULL,
                seats integer NOT NULL CHECK (seats >= 0)
            );
            CREATE UNIQUE INDEX ux_products_account_code ON products (account_id, lower(code));
            ALTER TABLE accounts ADD CONSTRAINT fk_accounts_default_product
                FOREIGN KEY (default_product_id) REFERENCES products (id) ON DELETE SET NULL;

            ALTER TABLE users
                ADD COLUMN role text NOT NULL DEFAULT 'User' CHECK (role IN ('Admin', 'User', 'Viewer')),
                ADD COLUMN product_id uuid REFERENCES products (id),
                ADD COLUMN credit_limit bigint CHECK (credit_limit >= 0),
                ADD COLUMN credits_used bigint NOT NULL DEFAULT 0,
                ADD COLUMN source text NOT NULL DEFAULT 'scim',
                ADD COLUMN last_login timestamptz;
            -- Seat counts: the active, non-Viewer users of one product.
            CREATE INDEX ix_users_seats ON users (product_id) WHERE active AND deleted_at IS NULL AND role <> 'Viewer';
            -- The last-Admin rule counts active Admins of an account.
            CREATE INDEX ix_users_admins ON users (account_id) WHERE active AND deleted_at IS NULL AND role = 'Admin';
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE users DROP COLUMN role, DROP COLUMN product_id, DROP COLUMN credit_limit, DROP COLUMN credits_used,
                DROP COLUMN source, DROP COLUMN last_login;
            ALTER TABLE accounts DROP CONSTRAINT fk_accounts_default_product;
            DROP TABLE products;
            ALTER TABLE accounts DROP COLUMN tier, DROP COLUMN email_domains, DROP COLUMN viewer_access, DROP COLUMN credit_pool,
                DROP COLUMN contract_start, DROP COLUMN contract_end, DROP COLUMN sso_idp, DROP COLUMN sso_status,
                DROP COLUMN require_sso, DROP COLUMN default_product_id;
            """);
    }
}
