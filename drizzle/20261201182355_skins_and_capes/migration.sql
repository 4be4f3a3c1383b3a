CREATE TABLE "cape_owners" (
	"cape_id" uuid,
	"user_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cape_owners_pkey" PRIMARY KEY("cape_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "capes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"name" text NOT NULL,
	"texture_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discord_links" (
	"user_id" bigint PRIMARY KEY,
	"discord_id" text NOT NULL CONSTRAINT "discord_links_discord_id_key" UNIQUE,
	"username" text NOT NULL,
	"avatar" text,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skin_selections" (
	"user_id" bigint PRIMARY KEY,
	"skin_id" uuid NOT NULL,
	"selected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"name" text NOT NULL,
	"owner_id" bigint NOT NULL,
	"slim" boolean DEFAULT false NOT NULL,
	"hd" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"cape_id" uuid,
	"texture_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cape_owners_user_idx" ON "cape_owners" ("user_id");--> statement-breakpoint
CREATE INDEX "skins_owner_idx" ON "skins" ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "skins_created_idx" ON "skins" ("created_at","id");--> statement-breakpoint
ALTER TABLE "cape_owners" ADD CONSTRAINT "cape_owners_cape_id_capes_id_fkey" FOREIGN KEY ("cape_id") REFERENCES "capes"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "cape_owners" ADD CONSTRAINT "cape_owners_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "capes" ADD CONSTRAINT "capes_texture_hash_media_hash_fkey" FOREIGN KEY ("texture_hash") REFERENCES "media"("hash");--> statement-breakpoint
ALTER TABLE "discord_links" ADD CONSTRAINT "discord_links_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "skin_selections" ADD CONSTRAINT "skin_selections_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "skin_selections" ADD CONSTRAINT "skin_selections_skin_id_skins_id_fkey" FOREIGN KEY ("skin_id") REFERENCES "skins"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "skins" ADD CONSTRAINT "skins_owner_id_users_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "skins" ADD CONSTRAINT "skins_cape_id_capes_id_fkey" FOREIGN KEY ("cape_id") REFERENCES "capes"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "skins" ADD CONSTRAINT "skins_texture_hash_media_hash_fkey" FOREIGN KEY ("texture_hash") REFERENCES "media"("hash");