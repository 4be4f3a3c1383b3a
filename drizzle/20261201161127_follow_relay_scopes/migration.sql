-- Admins make accounts follow one another and subscribe the instance to relays (Pleroma's admin API);
-- moderators may read who follows whom.
UPDATE roles SET scopes = array_append(scopes, 'admin:follows') WHERE name = 'admin' AND built_in AND NOT ('admin:follows' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:relays') WHERE name = 'admin' AND built_in AND NOT ('admin:relays' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:follows:read') WHERE name = 'moderator' AND built_in AND NOT ('admin:follows:read' = ANY(scopes));
