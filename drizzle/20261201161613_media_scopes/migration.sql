-- Admins upload images (avatars, flags, skins, capes) into the media store.
UPDATE roles SET scopes = array_append(scopes, 'admin:media') WHERE name = 'admin' AND built_in AND NOT ('admin:media' = ANY(scopes));
