CREATE TABLE "pride_flags" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pride_flags_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" bigint NOT NULL,
	"hash" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"user_id" bigint PRIMARY KEY,
	"names" jsonb DEFAULT '[]' NOT NULL,
	"pronouns" jsonb DEFAULT '[]' NOT NULL,
	"fields" jsonb DEFAULT '[]' NOT NULL,
	"links" text[] DEFAULT '{}'::text[] NOT NULL,
	"member_title" text,
	"shown_flags" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"list_private" boolean DEFAULT false NOT NULL,
	"custom_preferences" jsonb DEFAULT '{}' NOT NULL,
	"badges" integer DEFAULT 0 NOT NULL,
	"last_sid_reroll" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"hidden_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profiles_badges_nonnegative" CHECK ("badges" >= 0)
);
--> statement-breakpoint
CREATE INDEX "pride_flags_user_idx" ON "pride_flags" ("user_id","id");--> statement-breakpoint
ALTER TABLE "pride_flags" ADD CONSTRAINT "pride_flags_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
-- Each account's old free-text pronouns become one pronouns.cc entry {pronouns, status: okay}.
INSERT INTO "profiles" ("user_id", "pronouns")
  SELECT "id", jsonb_build_array(jsonb_build_object('pronouns', left(btrim("pronouns"), 128), 'displayText', null, 'status', 'okay'))
  FROM "users" WHERE "pronouns" IS NOT NULL AND btrim("pronouns") <> '' AND "domain" IS NULL
  ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- An avatar hash with no stored image names nothing: cleared. One that is stored now counts as a reference.
UPDATE "users" SET "avatar_hash" = NULL WHERE "avatar_hash" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "media" m WHERE m."hash" = "users"."avatar_hash");
--> statement-breakpoint
UPDATE "media" m SET "ref_count" = m."ref_count" + c.n
  FROM (SELECT "avatar_hash" AS hash, count(*)::int AS n FROM "users" WHERE "avatar_hash" IS NOT NULL GROUP BY 1) c
  WHERE m."hash" = c.hash;
--> statement-breakpoint
-- Admins and moderators moderate profiles (read any, publish or hide, clear an avatar, bio or flag).
UPDATE roles SET scopes = array_append(scopes, 'admin:profiles') WHERE name IN ('admin', 'moderator') AND built_in AND NOT ('admin:profiles' = ANY(scopes));
