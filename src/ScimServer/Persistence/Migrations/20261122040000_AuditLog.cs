using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// The audit log: append-only (triggers refuse UPDATE, DELETE and TRUNCATE, with two narrow exceptions: erasing
/// an entry's personal columns, and deleting entries already archived) and hash-chained per account. The chain
/// covers a digest of the personal columns, not the columns themselves, so erasing them keeps it verifiable.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261122040000_AuditLog")]
public sealed class AuditLog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE audit_log (
                account_id uuid NOT NULL,            -- the nil uuid: requests no account could be told for
                seq bigint NOT NULL,
                at timestamptz NOT NULL,
                actor_type text NOT NULL CHECK (actor_type IN ('ScimToken', 'Operator', 'Cli', 'Anonymous')),
                actor_id text,
                actor_name text,
                connection_id uuid,
                action text NOT NULL,
                target_type text,
                target_id text,
                outcome text NOT NULL CHECK (outcome IN ('Success', 'Refused', 'Failed')),
                status integer NOT NULL,
                code text,
                request_id text,
                trace_id text,
                client_address text,
                -- Personal columns: erasable. The chain covers personal_digest = sha256(salt || these).
                target_name text,
                detail text,
                changes jsonb,
                personal_salt bytea,
                personal_digest bytea NOT NULL,
                erased_at timestamptz,
                prev_hash bytea NOT NULL,
                hash bytea NOT NULL,
                PRIMARY KEY (account_id, seq)
            );
            CREATE INDEX ix_audit_log_at ON audit_log (account_id, at);
            CREATE INDEX ix_audit_log_actor ON audit_log (account_id, actor_id, at);
            CREATE INDEX ix_audit_log_action ON audit_log (account_id, action, at);
            CREATE INDEX ix_audit_log_target ON audit_log (account_id, target_id, at);
            CREATE INDEX ix_audit_log_outcome ON audit_log (account_id, outcome, at);

            -- The newest entry of each chain, and how far it has been archived (entries up to archived_seq may go).
            CREATE TABLE audit_heads (
                account_id uuid PRIMARY KEY,
                seq bigint NOT NULL,
                hash bytea NOT NULL,
                archived_seq bigint NOT NULL DEFAULT 0,
                archived_hash bytea NOT NULL,
                CHECK (archived_seq <= seq)
            );

            CREATE FUNCTION audit_personal_digest(e audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
                SELECT sha256(e.personal_salt || convert_to(jsonb_build_array(e.target_name, e.detail, e.changes)::text, 'UTF8'))
            $$;

            CREATE FUNCTION audit_entry_hash(e audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
                SELECT sha256(convert_to(jsonb_build_array(
                    e.account_id, e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                    e.actor_type, e.actor_id, e.actor_name, e.connection_id, e.action, e.target_type, e.target_id,
                    e.outcome, e.status, e.code, e.request_id, e.trace_id, e.client_address,
                    encode(e.personal_digest, 'hex'), encode(e.prev_hash, 'hex'))::text, 'UTF8'))
            $$;

            -- Whatever the writer sent, sequence, time, salt and hashes come from here, under the chain's row lock:
            -- concurrent writers of one account are serialised, so the chain never forks.
            CREATE FUNCTION audit_log_append() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                head audit_heads%ROWTYPE;
            BEGIN
                INSERT INTO audit_heads (account_id, seq, hash, archived_hash)
                    VALUES (NEW.account_id, 0, '\x00'::bytea, '\x00'::bytea) ON CONFLICT (account_id) DO NOTHING;
                SELECT * INTO head FROM audit_heads WHERE account_id = NEW.account_id FOR UPDATE;
                NEW.seq := head.seq + 1;
                NEW.at := clock_timestamp();
                NEW.prev_hash := head.hash;
                NEW.erased_at := NULL;
                NEW.personal_salt := uuid_send(gen_random_uuid());
                NEW.personal_digest := audit_personal_digest(NEW);
                NEW.hash := audit_entry_hash(NEW);
                UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE account_id = NEW.account_id;
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append();

            CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE'
                    AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
                    AND NEW.target_name IS NULL AND NEW.detail IS NULL AND NEW.changes IS NULL AND NEW.personal_salt IS NULL
                    AND (NEW.account_id, NEW.seq, NEW.at, NEW.actor_type, NEW.actor_id, NEW.actor_name, NEW.connection_id, NEW.action,
                         NEW.target_type, NEW.target_id, NEW.outcome, NEW.status, NEW.code, NEW.request_id, NEW.trace_id,
                         NEW.client_address, NEW.personal_digest, NEW.prev_hash, NEW.hash)
                        IS NOT DISTINCT FROM
                        (OLD.account_id, OLD.seq, OLD.at, OLD.actor_type, OLD.actor_id, OLD.actor_name, OLD.connection_id, OLD.action,
                         OLD.target_type, OLD.target_id, OLD.outcome, OLD.status, OLD.code, OLD.request_id, OLD.trace_id,
                         OLD.client_address, OLD.personal_digest, OLD.prev_hash, OLD.hash)
                THEN
                    RETURN NEW; -- privacy erasure: personal columns to NULL, nothing else
                END IF;
                IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT archived_seq FROM audit_heads WHERE account_id = OLD.account_id) THEN
                    RETURN OLD; -- already archived (see docs/operations.md)
                END IF;
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$;
            CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

            CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';
            END
            $$;
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
            CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

            -- A head only moves forward: rewinding it would hide removed entries at the end of a chain.
            CREATE FUNCTION audit_heads_forward() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.archived_seq < OLD.archived_seq OR NEW.account_id <> OLD.account_id THEN
                    RAISE EXCEPTION 'audit_heads only move forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER audit_heads_forward BEFORE UPDATE OR DELETE ON audit_heads FOR EACH ROW EXECUTE FUNCTION audit_heads_forward();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TABLE audit_heads;
            DROP TABLE audit_log;
            DROP FUNCTION audit_heads_forward();
            DROP FUNCTION audit_log_no_truncate();
            DROP FUNCTION audit_log_guard();
            DROP FUNCTION audit_log_append();
            DROP FUNCTION audit_entry_hash(audit_log);
            DROP FUNCTION audit_personal_digest(audit_log);
            """);
    }
}
