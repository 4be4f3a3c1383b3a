ALTER TABLE "row_counts" ADD COLUMN "key" text DEFAULT '';--> statement-breakpoint
ALTER TABLE "row_counts" ADD COLUMN "slot" smallint DEFAULT 0;--> statement-breakpoint
ALTER TABLE "row_counts" DROP CONSTRAINT "row_counts_pkey";--> statement-breakpoint
ALTER TABLE "row_counts" ADD CONSTRAINT "row_counts_pkey" PRIMARY KEY("table_name","key","slot");--> statement-breakpoint
-- Hand-written (src/db/counts.ts): the kept count of users split by stored status and spread over
-- 16 slots. A writing transaction adds its change to a slot no other running transaction holds
-- (pg_try_advisory_xact_lock, starting at its transaction id), so concurrent writers never queue on
-- one count row; only with every slot held does it wait. Readers sum the slots of the keys they need.
CREATE OR REPLACE FUNCTION row_counts_add(tbl text, keys text[], deltas bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  slots CONSTANT int := 16;
  space CONSTANT int := hashtext('row_counts:' || tbl);
  start int;
  chosen int;
BEGIN
  IF keys IS NULL OR cardinality(keys) = 0 THEN RETURN; END IF;
  start := (txid_current() % slots)::int;
  FOR i IN 0 .. slots - 1 LOOP
    IF pg_try_advisory_xact_lock(space, (start + i) % slots) THEN
      chosen := (start + i) % slots;
      EXIT;
    END IF;
  END LOOP;
  IF chosen IS NULL THEN
    PERFORM pg_advisory_xact_lock(space, start);
    chosen := start;
  END IF;
  -- One statement, keys in order: two writers of one slot lock its rows in the same order.
  INSERT INTO row_counts (table_name, key, slot, n)
    SELECT tbl, k, chosen, d FROM unnest(keys, deltas) AS u(k, d) ORDER BY k
  ON CONFLICT (table_name, key, slot) DO UPDATE SET n = row_counts.n + excluded.n;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION users_count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys text[];
  deltas bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(k ORDER BY k), array_agg(d ORDER BY k) INTO keys, deltas
      FROM (SELECT status::text AS k, count(*) AS d FROM inserted GROUP BY 1) c;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(k ORDER BY k), array_agg(d ORDER BY k) INTO keys, deltas
      FROM (SELECT status::text AS k, -count(*) AS d FROM deleted GROUP BY 1) c;
  ELSE
    SELECT array_agg(k ORDER BY k), array_agg(d ORDER BY k) INTO keys, deltas
      FROM (SELECT k, sum(d) AS d FROM (
        SELECT status::text AS k, 1 AS d FROM inserted UNION ALL SELECT status::text, -1 FROM deleted
      ) x GROUP BY k HAVING sum(d) <> 0) c;
  END IF;
  PERFORM row_counts_add('users', keys, deltas);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION row_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM row_counts WHERE table_name = TG_TABLE_NAME AND key <> '';
  RETURN NULL;
END $$;
--> statement-breakpoint
-- No user may be added, removed or change status between the count and the triggers.
LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_count_insert ON users;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_count_delete ON users;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_count_truncate ON users;
--> statement-breakpoint
DROP FUNCTION IF EXISTS row_counts_after_insert();
--> statement-breakpoint
DROP FUNCTION IF EXISTS row_counts_after_delete();
--> statement-breakpoint
DROP FUNCTION IF EXISTS row_counts_after_truncate();
--> statement-breakpoint
DELETE FROM row_counts WHERE table_name = 'users';
--> statement-breakpoint
INSERT INTO row_counts (table_name, key, slot, n) VALUES ('users', '', 0, 0);
--> statement-breakpoint
INSERT INTO row_counts (table_name, key, slot, n) SELECT 'users', status::text, 0, count(*) FROM users GROUP BY status;
--> statement-breakpoint
CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION users_count_rows();
--> statement-breakpoint
CREATE TRIGGER users_count_update AFTER UPDATE ON users REFERENCING OLD TABLE AS deleted NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION users_count_rows();
--> statement-breakpoint
CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION users_count_rows();
--> statement-breakpoint
CREATE TRIGGER users_count_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION row_counts_truncated();
