-- The caller's state (session, status, scopes) is read on every request now, so no instance caches
-- it and nothing listens on gateway_auth: these triggers only cost every session, user and grant write.
DROP TRIGGER IF EXISTS sessions_notify_auth ON sessions;
--> statement-breakpoint
DROP TRIGGER IF EXISTS users_notify_auth ON users;
--> statement-breakpoint
DROP TRIGGER IF EXISTS roles_notify_auth ON roles;
--> statement-breakpoint
DROP TRIGGER IF EXISTS user_roles_notify_auth ON user_roles;
--> statement-breakpoint
DROP TRIGGER IF EXISTS user_scopes_notify_auth ON user_scopes;
--> statement-breakpoint
DROP TRIGGER IF EXISTS external_identities_notify_auth ON external_identities;
--> statement-breakpoint
DROP FUNCTION IF EXISTS notify_auth_session();
--> statement-breakpoint
DROP FUNCTION IF EXISTS notify_auth_all();
