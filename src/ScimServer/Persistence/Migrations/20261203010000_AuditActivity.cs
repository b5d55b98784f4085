using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimServer.Persistence.Migrations;

/// <summary>
/// Provisioning activity per IdP connection per day, counted as entries are appended (the console's activity
/// chart): summing a month of a busy account's audit log would read every entry, this reads 30 rows per connection.
/// The counter row is locked after the chain's head, which every append of the account already holds, so it adds
/// no new contention or lock order. Counts are history: erasing personal columns or archiving entries keeps them.
/// </summary>
[DbContext(typeof(ScimDbContext))]
[Migration("20261203010000_AuditActivity")]
public sealed class AuditActivity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE audit_activity (
                account_id uuid NOT NULL,
                connection_id uuid NOT NULL,
                day date NOT NULL,
                creates integer NOT NULL DEFAULT 0,
                updates integer NOT NULL DEFAULT 0,
                deactivations integer NOT NULL DEFAULT 0,
                refusals integer NOT NULL DEFAULT 0,
                PRIMARY KEY (account_id, day, connection_id)
            );

            -- Which of the four kinds an entry is: refused or failed, a create, a deletion or active going false, or another change.
            CREATE FUNCTION audit_activity_kind(e audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                SELECT CASE
                    WHEN e.outcome <> 'Success' THEN 'refusals'
                    WHEN e.action LIKE 'Create%' THEN 'creates'
                    WHEN e.action = 'DeleteUser' OR e.changes -> 'active' ->> 'after' = 'false' THEN 'deactivations'
                    ELSE 'updates'
                END
            $$;

            CREATE FUNCTION audit_activity_count() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                kind text := audit_activity_kind(NEW);
            BEGIN
                INSERT INTO audit_activity AS a (account_id, connection_id, day, creates, updates, deactivations, refusals)
                VALUES (NEW.account_id, NEW.connection_id, (NEW.at AT TIME ZONE 'UTC')::date,
                        (kind = 'creates')::int, (kind = 'updates')::int, (kind = 'deactivations')::int, (kind = 'refusals')::int)
                ON CONFLICT (account_id, day, connection_id) DO UPDATE SET
                    creates = a.creates + EXCLUDED.creates, updates = a.updates + EXCLUDED.updates,
                    deactivations = a.deactivations + EXCLUDED.deactivations, refusals = a.refusals + EXCLUDED.refusals;
                RETURN NULL;
            END
            $$;
            CREATE TRIGGER audit_activity_count AFTER INSERT ON audit_log FOR EACH ROW
                WHEN (NEW.connection_id IS NOT NULL) EXECUTE FUNCTION audit_activity_count();

            INSERT INTO audit_activity (account_id, connection_id, day, creates, updates, deactivations, refusals)
            SELECT account_id, connection_id, (at AT TIME ZONE 'UTC')::date,
                   count(*) FILTER (WHERE audit_activity_kind(audit_log) = 'creates'),
                   count(*) FILTER (WHERE audit_activity_kind(audit_log) = 'updates'),
                   count(*) FILTER (WHERE audit_activity_kind(audit_log) = 'deactivations'),
                   count(*) FILTER (WHERE audit_activity_kind(audit_log) = 'refusals')
            FROM audit_log WHERE connection_id IS NOT NULL
            GROUP BY 1, 2, 3;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER audit_activity_count ON audit_log;
            DROP FUNCTION audit_activity_count();
            DROP FUNCTION audit_activity_kind(audit_log);
            DROP TABLE audit_activity;
            """);
    }
}
