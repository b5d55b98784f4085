using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// Tables and indexes for accounts, tokens, users, groups and memberships. Written as SQL because the indexes
/// that make SCIM filters fast (lower(), trigram, GIN on arrays, partial) are clearer in SQL than in EF's model.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE EXTENSION IF NOT EXISTS pg_trgm;

            CREATE TABLE accounts (
                id uuid PRIMARY KEY,
                name text NOT NULL,
                created timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE scim_tokens (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                name text NOT NULL,
                hash bytea NOT NULL,
                prefix text NOT NULL,
                created timestamptz NOT NULL,
                expires_at timestamptz,
                revoked_at timestamptz
            );
            CREATE UNIQUE INDEX ux_scim_tokens_hash ON scim_tokens (hash);
            CREATE INDEX ix_scim_tokens_account ON scim_tokens (account_id);

            CREATE TABLE users (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                user_name text NOT NULL,
                external_id text,
                display_name text,
                active boolean NOT NULL DEFAULT true,
                email_values text[] NOT NULL DEFAULT '{}',
                data jsonb NOT NULL,
                password_hash text,
                created timestamptz NOT NULL,
                last_modified timestamptz NOT NULL,
                deleted_at timestamptz
            );
            -- userName is unique per account, case-insensitively, deleted users included (RFC 7643 §4.1.1).
            CREATE UNIQUE INDEX ux_users_account_user_name ON users (account_id, lower(user_name));
            CREATE INDEX ix_users_account_id ON users (account_id, id) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_account_external_id ON users (account_id, external_id) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_account_display_name ON users (account_id, lower(display_name)) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_account_created ON users (account_id, created) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_account_last_modified ON users (account_id, last_modified) WHERE deleted_at IS NULL;
            CREATE INDEX ix_users_email_values ON users USING gin (email_values);
            CREATE INDEX ix_users_user_name_trgm ON users USING gin (lower(user_name) gin_trgm_ops);

            CREATE TABLE groups (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                display_name text NOT NULL,
                external_id text,
                data jsonb NOT NULL,
                created timestamptz NOT NULL,
                last_modified timestamptz NOT NULL
            );
            CREATE INDEX ix_groups_account_id ON groups (account_id, id);
            CREATE INDEX ix_groups_account_display_name ON groups (account_id, lower(display_name));
            CREATE INDEX ix_groups_account_external_id ON groups (account_id, external_id);
            CREATE INDEX ix_groups_account_last_modified ON groups (account_id, last_modified);
            CREATE INDEX ix_groups_display_name_trgm ON groups USING gin (lower(display_name) gin_trgm_ops);

            CREATE TABLE group_members (
                group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                member_id uuid NOT NULL,
                member_type text NOT NULL CHECK (member_type IN ('User', 'Group')),
                account_id uuid NOT NULL,
                added timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (group_id, member_id)
            );
            -- A user's "groups" attribute and members-by-user filters read memberships from the member side.
            CREATE INDEX ix_group_members_member ON group_members (member_id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TABLE group_members;
            DROP TABLE groups;
            DROP TABLE users;
            DROP TABLE scim_tokens;
            DROP TABLE accounts;
            """);
    }
}
