-- Admins manage Litecord guilds and voice regions.
UPDATE roles SET scopes = array_append(scopes, 'admin:guilds') WHERE name = 'admin' AND built_in AND NOT ('admin:guilds' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:voice') WHERE name = 'admin' AND built_in AND NOT ('admin:voice' = ANY(scopes));
