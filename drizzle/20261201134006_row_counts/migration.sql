CREATE TABLE "row_counts" (
	"table_name" text PRIMARY KEY,
	"n" bigint NOT NULL
);
--> statement-breakpoint
-- Hand-written: the kept count of users (src/db/counts.ts), changed by statement-level triggers in
-- the transaction that inserts or deletes, so it is exact in every snapshot.
CREATE OR REPLACE FUNCTION row_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE added bigint;
BEGIN
  SELECT count(*) INTO added FROM inserted;
  IF added > 0 THEN UPDATE row_counts SET n = n + added WHERE table_name = TG_TABLE_NAME; END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION row_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE removed bigint;
BEGIN
  SELECT count(*) INTO removed FROM deleted;
  IF removed > 0 THEN UPDATE row_counts SET n = n - removed WHERE table_name = TG_TABLE_NAME; END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION row_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE row_counts SET n = 0 WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- No user may be added or removed between the count and the triggers (another instance, mid-deploy).
LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
INSERT INTO row_counts (table_name, n) SELECT 'users', count(*) FROM users;
--> statement-breakpoint
CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION row_counts_after_insert();
--> statement-breakpoint
CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION row_counts_after_delete();
--> statement-breakpoint
CREATE TRIGGER users_count_truncate AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION row_counts_after_truncate();
