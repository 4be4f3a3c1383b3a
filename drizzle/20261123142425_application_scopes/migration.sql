-- Admins manage OAuth applications.
UPDATE roles SET scopes = array_append(scopes, 'admin:applications') WHERE name = 'admin' AND built_in AND NOT ('admin:applications' = ANY(scopes));
