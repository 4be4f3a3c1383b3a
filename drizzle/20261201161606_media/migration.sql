CREATE TABLE "media" (
	"hash" text PRIMARY KEY,
	"content_type" text NOT NULL,
	"bytes" bytea NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"size" integer NOT NULL,
	"ref_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_ref_count_check" CHECK ("ref_count" >= 0),
	CONSTRAINT "media_hash_check" CHECK ("hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE INDEX "media_unclaimed_idx" ON "media" ("created_at") WHERE "ref_count" = 0;