CREATE TYPE "relay_delivery_status" AS ENUM('PENDING', 'SENT', 'FAILED');--> statement-breakpoint
CREATE TYPE "relay_state" AS ENUM('PENDING', 'ACCEPTED', 'REJECTED');--> statement-breakpoint
CREATE TABLE "follows" (
	"follower_id" bigint,
	"followed_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_pkey" PRIMARY KEY("follower_id","followed_id"),
	CONSTRAINT "follows_not_self" CHECK ("follower_id" <> "followed_id")
);
--> statement-breakpoint
CREATE TABLE "relay_actor" (
	"id" smallint PRIMARY KEY DEFAULT 1,
	"public_key_pem" text NOT NULL,
	"private_key_sealed" bytea NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relay_actor_single_row" CHECK ("id" = 1)
);
--> statement-breakpoint
CREATE TABLE "relay_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "relay_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"inbox_url" text NOT NULL,
	"activity" jsonb NOT NULL,
	"status" "relay_delivery_status" DEFAULT 'PENDING'::"relay_delivery_status" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay_subscriptions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "relay_subscriptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_url" text NOT NULL,
	"host" text NOT NULL,
	"inbox_url" text NOT NULL,
	"public_key_id" text NOT NULL,
	"public_key_pem" text NOT NULL,
	"follow_activity_id" text NOT NULL,
	"state" "relay_state" DEFAULT 'PENDING'::"relay_state" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "follows_followed_idx" ON "follows" ("followed_id","created_at");--> statement-breakpoint
CREATE INDEX "follows_follower_created_idx" ON "follows" ("follower_id","created_at");--> statement-breakpoint
CREATE INDEX "relay_deliveries_due_idx" ON "relay_deliveries" ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_subscriptions_actor_key" ON "relay_subscriptions" ("actor_url");--> statement-breakpoint
CREATE INDEX "relay_subscriptions_key_idx" ON "relay_subscriptions" ("public_key_id");--> statement-breakpoint
CREATE INDEX "relay_subscriptions_host_idx" ON "relay_subscriptions" ("host");--> statement-breakpoint
CREATE INDEX "relay_subscriptions_created_idx" ON "relay_subscriptions" ("created_at","id");--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_follower_id_users_id_fkey" FOREIGN KEY ("follower_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_followed_id_users_id_fkey" FOREIGN KEY ("followed_id") REFERENCES "users"("id") ON DELETE CASCADE;