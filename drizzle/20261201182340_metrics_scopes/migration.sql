-- Admins may scrape /metrics (Prometheus) with a token of their own.
UPDATE roles SET scopes = array_append(scopes, 'admin:metrics') WHERE name = 'admin' AND built_in AND NOT ('admin:metrics' = ANY(scopes));
