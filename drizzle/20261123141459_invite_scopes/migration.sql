-- Admins manage invites (Litecord's instance invites, Pleroma's registration tokens, Liquid's codes).
UPDATE roles SET scopes = array_append(scopes, 'admin:invites') WHERE name = 'admin' AND built_in AND NOT ('admin:invites' = ANY(scopes));
