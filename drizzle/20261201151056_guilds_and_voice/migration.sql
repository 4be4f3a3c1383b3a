CREATE TABLE "voice_regions" (
	"id" text PRIMARY KEY,
	"name" text NOT NULL,
	"vip" boolean DEFAULT false NOT NULL,
	"deprecated" boolean DEFAULT false NOT NULL,
	"custom" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voice_regions_id_lower" CHECK ("id" = lower("id") and length("id") between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "voice_servers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "voice_servers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"hostname" text NOT NULL,
	"region_id" text NOT NULL,
	"last_health" double precision DEFAULT 0.5 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guilds" (
	"id" bigint PRIMARY KEY DEFAULT next_snowflake(),
	"name" text NOT NULL,
	"owner_id" bigint NOT NULL,
	"icon" text,
	"region" text,
	"features" text[] DEFAULT '{}'::text[] NOT NULL,
	"unavailable" boolean DEFAULT false NOT NULL,
	"vanity_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guilds_features_known" CHECK ("features" <@ array['INVITE_SPLASH', 'VIP_REGIONS', 'VANITY_URL', 'MORE_EMOJI', 'VERIFIED', 'PUBLIC', 'COMMERCE', 'NEWS']::text[] and array_position("features", null) is null),
	CONSTRAINT "guilds_vanity_needs_feature" CHECK ("vanity_code" is null or 'VANITY_URL' = any("features"))
);
--> statement-breakpoint
CREATE INDEX "voice_regions_name_idx" ON "voice_regions" (lower("name"),"id");--> statement-breakpoint
CREATE UNIQUE INDEX "voice_servers_hostname_key" ON "voice_servers" ("hostname");--> statement-breakpoint
CREATE INDEX "voice_servers_region_idx" ON "voice_servers" ("region_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "guilds_vanity_code_key" ON "guilds" ("vanity_code");--> statement-breakpoint
CREATE INDEX "guilds_owner_idx" ON "guilds" ("owner_id","id");--> statement-breakpoint
CREATE INDEX "guilds_region_idx" ON "guilds" ("region","id");--> statement-breakpoint
CREATE INDEX "guilds_name_idx" ON "guilds" (lower("name"),"id");--> statement-breakpoint
CREATE INDEX "guilds_created_at_idx" ON "guilds" ("created_at","id");--> statement-breakpoint
CREATE INDEX "guilds_features_idx" ON "guilds" USING gin ("features");--> statement-breakpoint
ALTER TABLE "voice_servers" ADD CONSTRAINT "voice_servers_region_id_voice_regions_id_fkey" FOREIGN KEY ("region_id") REFERENCES "voice_regions"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "guilds" ADD CONSTRAINT "guilds_owner_id_users_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "guilds" ADD CONSTRAINT "guilds_region_voice_regions_id_fkey" FOREIGN KEY ("region") REFERENCES "voice_regions"("id") ON DELETE SET NULL;