-- Direct scope grants change effective scopes like role grants do: every instance forgets its cache.
CREATE TRIGGER user_scopes_notify_auth AFTER INSERT OR UPDATE OR DELETE ON user_scopes
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
-- A ban with an end time lapses by itself, and the status read by auth depends on banned_until too.
DROP TRIGGER users_notify_auth ON users;
--> statement-breakpoint
CREATE TRIGGER users_notify_auth AFTER UPDATE OF status, banned_until OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_all();
--> statement-breakpoint
-- Admins give and take away roles below their own rank (Pleroma's permission groups); ban and erase sit under admin:users.
UPDATE roles SET scopes = '{admin:users,admin:roles:read,admin:roles:grant,admin:audit:read}' WHERE name = 'admin' AND built_in;
