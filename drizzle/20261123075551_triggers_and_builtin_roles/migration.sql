-- Short ids are 5 lowercase letters; a random default can collide, so re-roll until free.
CREATE OR REPLACE FUNCTION users_unique_short_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WHILE EXISTS (SELECT 1 FROM users WHERE short_id = NEW.short_id AND id IS DISTINCT FROM NEW.id) LOOP
    NEW.short_id := random_short_id();
  END LOOP;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_unique_short_id BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_unique_short_id();
--> statement-breakpoint
-- Every gateway instance caches live sessions and effective scopes; these notifications (sent on
-- commit) tell all of them what to forget. 'session:<id>' drops one session, 'all' drops everything.
CREATE OR REPLACE FUNCTION notify_auth_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_auth', 'session:' || COALESCE(NEW.id, OLD.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION notify_auth_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gateway_auth', 'all');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sessions_notify_auth AFTER UPDATE OF revoked_at, expires_at OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_auth_session();
--> statement-breakpoint
CREATE TRIGGER users_notify_auth AFTER UPDATE OF status OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
CREATE TRIGGER roles_notify_auth AFTER INSERT OR UPDATE OR DELETE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
CREATE TRIGGER user_roles_notify_auth AFTER INSERT OR UPDATE OR DELETE ON user_roles
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
CREATE TRIGGER external_identities_notify_auth AFTER UPDATE OR DELETE ON external_identities
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
INSERT INTO roles (name, rank, description, scopes, built_in) VALUES
  ('superadmin', 1000, 'Every scope', '{admin}', true),
  ('admin', 100, 'Manages accounts; reads roles and the audit log', '{admin:users,admin:roles:read,admin:audit:read}', true),
  ('moderator', 10, 'Reads and changes accounts', '{admin:users:read,admin:users:write}', true);
