-- Sign-in attempts per (account, address): the per-address and distinct-address account limits.
CREATE TABLE "login_attempts" (
	"account" text,
	"address" text,
	"failures" integer NOT NULL,
	"window_start" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "login_attempts_pkey" PRIMARY KEY("account","address")
);
--> statement-breakpoint
-- The old per-name counters are replaced by the table above.
DELETE FROM "login_failures" WHERE "key" LIKE 'user:%';
