ALTER TABLE "sessions" ADD COLUMN "via" text DEFAULT 'graphql' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "application_id" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "token_scopes" text[];--> statement-breakpoint
CREATE INDEX "sessions_application_idx" ON "sessions" ("application_id") WHERE application_id is not null;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_application_id_applications_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE;