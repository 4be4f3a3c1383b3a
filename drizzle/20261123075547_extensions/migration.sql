-- drizzle-kit does not emit CREATE EXTENSION; the trigram indexes of the next migration need it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- Five random lowercase letters (pronouns.cc short ids); column defaults cannot hold subqueries.
CREATE OR REPLACE FUNCTION random_short_id() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(chr(97 + floor(random() * 26)::int), '') FROM generate_series(1, 5)
$$;
