-- Admins manage invites (Litecord's instance invites, Pleroma's registration tokens, Liquid's codes)
-- and sessions.
UPDATE roles SET scopes = array_append(scopes, 'admin:invites') WHERE name = 'admin' AND built_in AND NOT ('admin:invites' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:sessions') WHERE name = 'admin' AND built_in AND NOT ('admin:sessions' = ANY(scopes));
