-- Admins may mail every user (CookieCMS's mail to all users).
UPDATE roles SET scopes = array_append(scopes, 'admin:mail') WHERE name = 'admin' AND built_in AND NOT ('admin:mail' = ANY(scopes));
