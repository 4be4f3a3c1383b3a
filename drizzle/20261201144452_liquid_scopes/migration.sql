CREATE TABLE "liquid_scope_sets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "liquid_scope_sets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" bigint,
	"application_id" bigint,
	"role_id" bigint,
	"names" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_by" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "liquid_scope_sets_one_owner" CHECK (num_nonnulls("user_id", "application_id", "role_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "display_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "liquid_scope_sets_user_key" ON "liquid_scope_sets" ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "liquid_scope_sets_application_key" ON "liquid_scope_sets" ("application_id");--> statement-breakpoint
CREATE UNIQUE INDEX "liquid_scope_sets_role_key" ON "liquid_scope_sets" ("role_id");--> statement-breakpoint
ALTER TABLE "liquid_scope_sets" ADD CONSTRAINT "liquid_scope_sets_user_id_users_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "liquid_scope_sets" ADD CONSTRAINT "liquid_scope_sets_application_id_applications_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "liquid_scope_sets" ADD CONSTRAINT "liquid_scope_sets_role_id_roles_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "liquid_scope_sets" ADD CONSTRAINT "liquid_scope_sets_updated_by_users_id_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
-- The built-in roles' names for people, as Liquid's default roles show theirs.
UPDATE roles SET display_name = CASE name WHEN 'superadmin' THEN 'Super Admin' WHEN 'admin' THEN 'Admin' WHEN 'moderator' THEN 'Moderator' END WHERE built_in AND display_name = '' AND name IN ('superadmin', 'admin', 'moderator');
