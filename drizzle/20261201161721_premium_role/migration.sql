-- CookieCMS permission level 2 ("HD skins"): a built-in role that carries no admin scope, ranked
-- below moderator (10), so moderators (level 3) and up may give it. A custom role already named
-- premium is left as it is (it then serves level 2 with its own scopes).
INSERT INTO roles (name, rank, description, scopes, built_in)
VALUES ('premium', 5, 'CookieCMS level 2 (HD skins); no admin scope', '{}', true)
ON CONFLICT ((lower(name))) DO NOTHING;
