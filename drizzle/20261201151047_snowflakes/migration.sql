-- Snowflake ids as Litecord (and Discord) make them: milliseconds since the Discord epoch
-- (2015-01-01T00:00:00Z) in the high 42 bits, a sequence in the low 22, so ids sort by creation
-- time and never collide (the sequence would have to wrap 4,194,304 times within one millisecond).
CREATE SEQUENCE IF NOT EXISTS snowflake_seq;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION next_snowflake() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT ((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - 1420070400000) << 22)
    | (nextval('snowflake_seq') % 4194304)
$$;
