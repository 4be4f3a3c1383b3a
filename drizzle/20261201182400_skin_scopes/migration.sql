-- Minecraft skins and capes (CookieCMS): admins manage them all; moderators (CookieCMS level 3, whose
-- admin.capes and admin.userskins permissions cover them) read and change them too.
UPDATE roles SET scopes = array_append(scopes, 'admin:skins') WHERE name = 'admin' AND built_in AND NOT ('admin:skins' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:skins:read') WHERE name = 'moderator' AND built_in AND NOT ('admin:skins:read' = ANY(scopes));
--> statement-breakpoint
UPDATE roles SET scopes = array_append(scopes, 'admin:skins:write') WHERE name = 'moderator' AND built_in AND NOT ('admin:skins:write' = ANY(scopes));
