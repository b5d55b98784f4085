using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// SCIM connections (one per IdP, owning the tokens), user lifecycle (invitation, sign-ins, the connection that
/// provisioned them), credits (pool counters, team limits and terms, a usage ledger) and operators.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122030000_AccountLifecycle")]
public sealed class AccountLifecycle : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE scim_connections (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                idp text NOT NULL CHECK (idp IN ('Okta', 'EntraId', 'OneLogin', 'Other')),
                name text NOT NULL,
                created timestamptz NOT NULL
            );
            -- One connection per IdP and account ("Other" may repeat: several home-grown clients are legitimate).
            CREATE UNIQUE INDEX ux_scim_connections_idp ON scim_connections (account_id, idp) WHERE idp <> 'Other';

            -- Existing tokens move under one connection per account, named after the account's IdP.
            INSERT INTO scim_connections (id, account_id, idp, name, created)
                SELECT gen_random_uuid(), a.id, coalesce(a.sso_idp, 'Other'), coalesce(a.sso_idp, 'Other'), now()
                FROM accounts a WHERE EXISTS (SELECT 1 FROM scim_tokens t WHERE t.account_id = a.id);
            ALTER TABLE scim_tokens ADD COLUMN connection_id uuid REFERENCES scim_connections (id) ON DELETE CASCADE;
            UPDATE scim_tokens t SET connection_id = c.id FROM scim_connections c WHERE c.account_id = t.account_id;
            ALTER TABLE scim_tokens ALTER COLUMN connection_id SET NOT NULL;

            ALTER TABLE users
                ADD COLUMN connection_id uuid REFERENCES scim_connections (id) ON DELETE SET NULL,
                ADD COLUMN invited_at timestamptz,
                ADD COLUMN sso_sign_in_at timestamptz,
                ADD COLUMN credits_period_start timestamptz;
            UPDATE users u SET connection_id = c.id FROM scim_connections c WHERE c.account_id = u.account_id AND u.source = 'scim';
            UPDATE users SET invited_at = created WHERE last_login IS NULL;
            -- Rule 7 looks for active Admins that have no way in through the IdP.
            CREATE INDEX ix_users_admins_without_sso ON users (account_id)
                WHERE active AND deleted_at IS NULL AND role = 'Admin' AND connection_id IS NULL AND sso_sign_in_at IS NULL;

            ALTER TABLE accounts
                ADD COLUMN credits_used bigint NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
                ADD COLUMN credits_reserved bigint NOT NULL DEFAULT 0 CHECK (credits_reserved >= 0);
            UPDATE accounts a SET credits_used = (SELECT coalesce(sum(credits_used), 0) FROM users u WHERE u.account_id = a.id);

            ALTER TABLE groups
                ADD COLUMN credit_limit bigint CHECK (credit_limit >= 0),
                ADD COLUMN credit_terms text NOT NULL DEFAULT 'Contract' CHECK (credit_terms IN ('Monthly', 'Quarterly', 'Contract'));

            CREATE TABLE credit_ledger (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                user_id uuid REFERENCES users (id) ON DELETE SET NULL,
                at timestamptz NOT NULL,
                kind text NOT NULL CHECK (kind IN ('Consume', 'Reset', 'Release', 'Allocate', 'Renew')),
                amount bigint NOT NULL
            );
            CREATE INDEX ix_credit_ledger_account_at ON credit_ledger (account_id, at);
            CREATE INDEX ix_credit_ledger_user_at ON credit_ledger (user_id, at);

            CREATE TABLE operators (
                id uuid PRIMARY KEY,
                user_name text NOT NULL,
                password_hash text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('Staff', 'AccountAdmin')),
                account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
                created timestamptz NOT NULL,
                failed_sign_ins integer NOT NULL DEFAULT 0,
                locked_until timestamptz,
                CHECK ((kind = 'Staff') = (account_id IS NULL))
            );
            CREATE UNIQUE INDEX ux_operators_user_name ON operators (lower(user_name));

            -- The operator JWT signing key, shared by every server process (unless one is configured).
            CREATE TABLE server_keys (
                name text PRIMARY KEY,
                secret bytea NOT NULL,
                created timestamptz NOT NULL
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TABLE server_keys;
            DROP TABLE operators;
            DROP TABLE credit_ledger;
            ALTER TABLE groups DROP COLUMN credit_limit, DROP COLUMN credit_terms;
            ALTER TABLE accounts DROP COLUMN credits_used, DROP COLUMN credits_reserved;
            ALTER TABLE users DROP COLUMN connection_id, DROP COLUMN invited_at, DROP COLUMN sso_sign_in_at, DROP COLUMN credits_period_start;
            ALTER TABLE scim_tokens DROP COLUMN connection_id;
            DROP TABLE scim_connections;
            """);
    }
}
